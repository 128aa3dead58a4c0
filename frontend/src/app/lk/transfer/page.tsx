"use client";
import { useMemo, useRef, useState, type FormEvent } from "react";
import { useMediaQuery } from "@mantine/hooks";
import Link from "next/link";
import { Alert, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconCircleCheck } from "@tabler/icons-react";
import { callJson, ledgerApi, newIdempotencyKey, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { TransferReceipt } from "@/api/models";
import { AccountSelect } from "@/components/AccountSelect";
import { MoneyText } from "@/components/MoneyText";
import { ErrorState, LoadingState, NotAvailable } from "@/components/States";
import { myAccounts } from "@/lib/cabinet";
import { exponentOf } from "@/lib/currency";
import { errorMessage, useI18n } from "@/lib/i18n";
import { parseAmountInput, type Money } from "@/lib/money";
import { needsFreshKey, outcomeOf, type AttemptOutcome } from "@/lib/payment";
import { useAsync } from "@/lib/useAsync";

type Mode = "own" | "account" | "phone";

export default function Transfer() {
  const { t } = useI18n();
  const accounts = useAsync(myAccounts, []);
  const narrow = useMediaQuery("(max-width: 36em)");
  const active = (accounts.data ?? []).filter((a) => a.status === "active");
  const [mode, setMode] = useState<Mode>("own");
  const [fromId, setFromId] = useState<string | null>(null);
  const [toId, setToId] = useState<string | null>(null);
  const [toNumber, setToNumber] = useState("");
  const [toPhone, setToPhone] = useState("");
  const [amount, setAmount] = useState("");
  const [message, setMessage] = useState("");
  // The key is created when the form opens and kept for every retry of the same attempt.
  const [key, setKey] = useState(newIdempotencyKey);
  const lastOutcome = useRef<AttemptOutcome | null>(null);
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<Money | null>(null);
  const [touched, setTouched] = useState(false);

  const from = active.find((a) => a.id === (fromId ?? active[0]?.id));
  const ownTargets = active.filter((a) => a.id !== from?.id && a.currency === from?.currency);
  const parsed = from ? parseAmountInput(amount, exponentOf(from.currency)) : null;
  const target = mode === "own" ? ownTargets.find((a) => a.id === toId) ?? ownTargets[0] : undefined;
  const numberOk = /^\d{20}$/.test(toNumber.replace(/\s/g, ""));
  const phoneOk = /^\+?[0-9][0-9 ()-]{5,18}[0-9]$/.test(toPhone.trim());
  const valid = !!from && !!parsed && (mode === "own" ? !!target : mode === "account" ? numberOk : phoneOk);

  const endpointMissing = error instanceof ApiError && error.endpointMissing;
  const keyForSubmit = useMemo(() => key, [key]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!valid || !from || !parsed || inFlight.current) return; // a second click while paying does nothing
    inFlight.current = true;
    setBusy(true);
    setError(null);
    let useKey = keyForSubmit;
    if (needsFreshKey(lastOutcome.current)) {
      useKey = newIdempotencyKey();
      setKey(useKey);
    }
    const headers = { "Idempotency-Key": useKey };
    try {
      if (mode === "own") {
        await unwrap(
          ledgerApi.POST("/api/ledger/transfer", {
            params: { header: headers },
            body: { from_account_id: from.id, to_account_id: target!.id, amount: parsed, currency: from.currency, description: message },
          }),
        );
      } else {
        await callJson<TransferReceipt>(
          "POST",
          "/api/customer/transfer",
          {
            from_account_id: from.id,
            ...(mode === "account" ? { to_account_number: toNumber.replace(/\s/g, "") } : { to_phone: toPhone.trim() }),
            amount: parsed,
            currency: from.currency,
            description: message,
          },
          headers,
        );
      }
      lastOutcome.current = "success";
      setDone({ amount: parsed, currency: from.currency });
    } catch (err) {
      lastOutcome.current = outcomeOf(err);
      setError(err);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  function again() {
    setDone(null);
    setAmount("");
    setMessage("");
    setTouched(false);
    setKey(newIdempotencyKey());
    lastOutcome.current = null;
    accounts.reload();
  }

  if (accounts.error) return <ErrorState error={accounts.error} onRetry={accounts.reload} />;
  if (!accounts.data) return <LoadingState />;

  return (
    <Stack gap="lg" maw={560}>
      <Title order={1} size="h2">
        {t("transfer.title")}
      </Title>
      {done ? (
        <Paper withBorder radius="lg" p="lg" data-testid="transfer-done">
          <Stack align="flex-start">
            <Group gap="xs">
              <IconCircleCheck color="var(--mantine-color-green-8)" aria-hidden />
              <Title order={2} size="h4">
                {t("transfer.done")}
              </Title>
            </Group>
            <Text>
              <MoneyText money={done} fw={700} />
            </Text>
            <Group>
              <Button onClick={again}>{t("transfer.another")}</Button>
              <Button component={Link} href="/lk/" variant="default">
                {t("nav.dashboard")}
              </Button>
            </Group>
          </Stack>
        </Paper>
      ) : (
        <Paper withBorder radius="lg" p="lg">
          <form onSubmit={submit} noValidate data-idempotency-key={key} data-testid="transfer-form">
            <Stack>
              <SegmentedControl
                fullWidth
                value={mode}
                onChange={(v) => {
                  setMode(v as Mode);
                  setError(null);
                }}
                data={[
                  { value: "own", label: t("transfer.mode.own") },
                  { value: "account", label: t("transfer.mode.account") },
                  { value: "phone", label: t("transfer.mode.phone") },
                ]}
                aria-label={t("transfer.title")}
                orientation={narrow ? "vertical" : "horizontal"}
              />
              <AccountSelect label={t("transfer.from")} accounts={active} value={from?.id ?? null} onChange={setFromId} testId="from-account" />
              {mode === "own" &&
                (ownTargets.length ? (
                  <AccountSelect label={t("transfer.to")} accounts={ownTargets} value={target?.id ?? null} onChange={setToId} testId="to-account" />
                ) : (
                  <Alert color="gray">{t("transfer.needAccounts")}</Alert>
                ))}
              {mode === "account" && (
                <TextInput
                  label={t("transfer.toNumber")}
                  description={t("transfer.toNumberHint")}
                  inputMode="numeric"
                  value={toNumber}
                  onChange={(e) => setToNumber(e.currentTarget.value)}
                  error={touched && !numberOk ? t("transfer.badNumber") : undefined}
                  required
                />
              )}
              {mode === "phone" && (
                <TextInput
                  label={t("transfer.toPhone")}
                  type="tel"
                  placeholder="+7 900 123-45-67"
                  value={toPhone}
                  onChange={(e) => setToPhone(e.currentTarget.value)}
                  error={touched && !phoneOk ? t("transfer.badPhone") : undefined}
                  required
                />
              )}
              <TextInput
                label={t("transfer.amount")}
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.currentTarget.value)}
                rightSection={<Text size="sm">{from?.currency}</Text>}
                error={touched && !parsed ? t("transfer.badAmount") : undefined}
                required
                data-testid="amount"
              />
              <TextInput label={t("transfer.message")} value={message} maxLength={200} onChange={(e) => setMessage(e.currentTarget.value)} />
              {endpointMissing ? (
                <NotAvailable what={mode === "phone" ? t("transfer.mode.phone") : t("transfer.mode.account")} />
              ) : (
                error != null && (
                  <Alert color="red" role="alert" data-testid="transfer-error">
                    {errorMessage(t, error)}
                  </Alert>
                )
              )}
              <Button type="submit" size="md" loading={busy} data-testid="pay">
                {busy ? t("transfer.paying") : t("transfer.pay")}
              </Button>
            </Stack>
          </form>
        </Paper>
      )}
    </Stack>
  );
}
