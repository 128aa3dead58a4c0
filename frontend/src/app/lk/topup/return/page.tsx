"use client";
import { Suspense, useEffect, useState } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Alert, Anchor, Paper, Stack, Text, Title } from "@mantine/core";
import { accountsApi, unwrap } from "@/api/client";
import type { CardTopup } from "@/api/models";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatMoney } from "@/lib/money";

const POLL_MS = 1500;
const POLLS = 40; // about a minute; then the page says the payment is still being processed
const REASONS = ["insufficient_funds", "card_declined", "3d_secure_failed", "not_started"];

const REFUSALS = ["account_closed", "balance_limit_exceeded", "currency_mismatch"];
const OPEN = ["creating", "pending", "refunding"]; // still moving: keep asking

function refusalKey(reason: string | null | undefined): MessageKey {
  const code = (reason ?? "").replace(/^credit_refused:/, "");
  return (REFUSALS.includes(code) ? `topup.refused.${code}` : "topup.refused.other") as MessageKey;
}

function reasonKey(reason: string | null | undefined): MessageKey {
  return (REASONS.includes(reason ?? "") ? `topup.reason.${reason}` : "topup.reason.other") as MessageKey;
}

function TopupStatus() {
  const { t, locale } = useI18n();
  const id = useSearchParams().get("topup") ?? "";
  const [topup, setTopup] = useState<CardTopup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [polls, setPolls] = useState(0);

  useEffect(() => {
    if (!id || (topup && !OPEN.includes(topup.status)) || polls >= POLLS) return;
    const timer = setTimeout(
      async () => {
        try {
          setTopup(await unwrap(accountsApi.GET("/api/accounts/card-topups/{topup_id}", { params: { path: { topup_id: id } } })));
          setError(null);
        } catch (err) {
          setError(err);
        }
        setPolls((n) => n + 1);
      },
      polls === 0 ? 0 : POLL_MS,
    );
    return () => clearTimeout(timer);
  }, [id, topup, polls]);

  if (!id) return <Alert color="orange">{t("topup.return.missing")}</Alert>;
  if (error != null && !topup) return <ErrorState error={error} onRetry={() => setPolls(0)} />;
  if (!topup) return <LoadingState />;
  const amount = formatMoney({ amount: topup.amount, currency: topup.currency }, locale);
  const card = topup.card_mask ? `•• ${topup.card_mask.slice(-4)}` : "";
  return (
    <Stack gap="md">
      {topup.status === "succeeded" && (
        <Alert color="green" variant="light" role="status" data-testid="topup-succeeded">
          <Text>{t("topup.return.succeeded", { amount })}</Text>
          {topup.card_mask && <Text size="sm">{t("topup.return.card", { card: `•••• ${topup.card_mask.slice(-4)}` })}</Text>}
        </Alert>
      )}
      {topup.status === "failed" && (
        <Alert color="red" variant="light" role="status" data-testid="topup-failed">
          {t("topup.return.failed", { reason: t(reasonKey(topup.failure_reason)) })}
        </Alert>
      )}
      {topup.status === "refunding" && (
        <Alert color="orange" variant="light" role="status" data-testid="topup-refunding">
          {t("topup.return.refunding", { reason: t(refusalKey(topup.failure_reason)), card })}
        </Alert>
      )}
      {topup.status === "refunded" && (
        <Alert color="orange" variant="light" role="status" data-testid="topup-refunded">
          <Text fw={600}>{t("topup.return.refunded", { card })}</Text>
          <Text size="sm">{t("topup.return.refundedWhy", { amount, reason: t(refusalKey(topup.failure_reason)) })}</Text>
        </Alert>
      )}
      {(topup.status === "pending" || topup.status === "creating") && (
        <Alert color="blue" variant="light" role="status" data-testid="topup-pending">
          {polls >= POLLS ? t("topup.return.slow") : t("topup.return.pending")}
        </Alert>
      )}
      <Anchor component={Link} href={`/lk/account/?id=${topup.account_id}`} data-testid="topup-to-account">
        {t("topup.return.toAccount")}
      </Anchor>
    </Stack>
  );
}

export default function TopupReturnPage() {
  const { t } = useI18n();
  return (
    <Paper withBorder radius="lg" p="lg">
      <Stack>
        <Title order={1} size="h3">
          {t("topup.return.title")}
        </Title>
        <Suspense fallback={<LoadingState />}>
          <TopupStatus />
        </Suspense>
      </Stack>
    </Paper>
  );
}
