"use client";
import { useState } from "react";
import Link from "next/link";
import { Alert, Anchor, Badge, Button, Card, Group, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { MoneyText } from "@/components/MoneyText";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatAccountNumber } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";
import { officeApi, type OfficeMoneyRequest } from "./api";
import { ConfirmWithReason } from "./ConfirmWithReason";

const FILTERS = ["pending", "executed", "rejected", "expired", "failed", "all"] as const;
type Filter = (typeof FILTERS)[number];
type Decision = { request: OfficeMoneyRequest; kind: "approve" | "reject" } | null;
type Notice = { ok: boolean; text: string } | null;

function useDate() {
  const { locale } = useI18n();
  const fmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" });
  return (iso: string | null | undefined) => (iso ? fmt.format(new Date(iso)) : "—");
}

function detail(request: OfficeMoneyRequest, name: string): string | null {
  const value = (request.details as Record<string, unknown>)[name];
  return typeof value === "string" && value ? value : null;
}

function Subject({ request }: { request: OfficeMoneyRequest }) {
  const { t } = useI18n();
  if (request.kind === "topup") {
    const number = detail(request, "account_number");
    const customer = detail(request, "customer_id");
    return (
      <Stack gap={2}>
        <Text size="sm">
          {t("office.approvals.account")}: <span className="tabular">{number ? formatAccountNumber(number) : request.account_id}</span>
        </Text>
        {customer && (
          <Anchor component={Link} href={`/office/customer/?id=${customer}`} size="sm">
            {t("office.approvals.openCustomer")}
          </Anchor>
        )}
      </Stack>
    );
  }
  return (
    <Stack gap={2}>
      <Text size="sm" style={{ overflowWrap: "anywhere" }}>
        {t("office.approvals.transaction")}: {request.transaction_id} · {detail(request, "original_description") ?? ""}
      </Text>
      <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
        {t("office.approvals.fromTo", { from: detail(request, "from_account_id") ?? "—", to: detail(request, "to_account_id") ?? "—" })}
      </Text>
    </Stack>
  );
}

function RequestCard({ request, onDecide }: { request: OfficeMoneyRequest; onDecide: (d: Decision) => void }) {
  const { t } = useI18n();
  const date = useDate();
  const pending = request.status === "pending";
  const own = pending && !request.can_approve;
  return (
    <Card withBorder radius="lg" padding="md" data-testid="approval" data-request-id={request.id} data-status={request.status} data-kind={request.kind}>
      <Stack gap="xs">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={600}>{t(`office.approvals.kind.${request.kind}` as MessageKey)}</Text>
          <Badge variant="light" color={pending || request.status === "executed" ? "bank" : "gray"}>
            {t(`office.approvals.status.${request.status}` as MessageKey)}
          </Badge>
        </Group>
        <MoneyText money={request.amount} fz={20} fw={700} />
        <Subject request={request} />
        {request.description && (
          <Text size="sm">
            {t("office.approvals.reason")}: {request.description}
          </Text>
        )}
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          {t("office.approvals.maker")}: {own ? t("office.approvals.makerYou") : request.maker_id} · {t("office.approvals.created")}: {date(request.created_at)} ·{" "}
          {t("office.approvals.expires")}: {date(request.expires_at)}
        </Text>
        {request.decided_by && (
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {t("office.approvals.decided", { who: request.decided_by, when: date(request.decided_at) })}
            {request.decision_reason ? ` · ${request.decision_reason}` : ""}
          </Text>
        )}
        {pending && (
          <Stack gap={6}>
            {own && (
              <Text size="sm" c="dimmed" data-testid="approval-own">
                {t("office.approvals.ownRequest")}
              </Text>
            )}
            <Group gap="xs">
              <Button size="xs" disabled={!request.can_approve} onClick={() => onDecide({ request, kind: "approve" })} data-testid="approval-approve">
                {t("office.approvals.approve")}
              </Button>
              <Button size="xs" variant="default" color="red" onClick={() => onDecide({ request, kind: "reject" })} data-testid="approval-reject">
                {t("office.approvals.reject")}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

/** The maker-checker queue: pending staff money requests (or decided ones, by filter), approve or reject with
 * a reason through the one confirm dialog; the list reloads after every decision. */
export function ApprovalsQueue() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>("pending");
  const [pages, setPages] = useState<string[]>([]);
  const [decision, setDecision] = useState<Decision>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const list = useAsync(async () => {
    const status = filter === "all" ? undefined : filter;
    const first = await unwrap(officeApi.GET("/api/office/approvals", { params: { query: { status, limit: 20 } } }));
    const items = [...first.items];
    let next = first.next_cursor;
    for (const cursor of pages) {
      if (!next || cursor !== next) break;
      const more = await unwrap(officeApi.GET("/api/office/approvals", { params: { query: { status, limit: 20, cursor } } }));
      items.push(...more.items);
      next = more.next_cursor;
    }
    return { items, next };
  }, [filter, pages]);

  async function decide(reason: string) {
    if (!decision) return;
    const path = { params: { path: { request_id: decision.request.id } } };
    if (decision.kind === "approve") {
      const call = officeApi.POST("/api/office/approvals/{request_id}/approve", { ...path, body: { reason } });
      const done = await unwrap(call);
      const executing = (await call).response.status === 202 || done.status === "approved";
      setNotice({ ok: true, text: t(executing ? "office.approvals.approvedPending" : "office.approvals.approved") });
    } else {
      await unwrap(officeApi.POST("/api/office/approvals/{request_id}/reject", { ...path, body: { reason } }));
      setNotice({ ok: true, text: t("office.approvals.rejected") });
    }
    setDecision(null);
    list.reload();
  }

  async function confirm(reason: string) {
    try {
      await decide(reason);
    } catch (err) {
      // A decision someone else made, or an expiry, is news for the list too; the dialog shows it in words.
      if (err instanceof ApiError) list.reload();
      throw err;
    }
  }

  const d = decision;
  return (
    <Stack gap="md" maw={860} data-testid="approvals-queue">
      <Group justify="space-between" wrap="wrap">
        <Title order={2} size="h3">
          {t("office.approvals.title")}
        </Title>
        <Button variant="default" leftSection={<IconRefresh size={16} aria-hidden />} onClick={list.reload} loading={list.loading} data-testid="approvals-refresh">
          {t("office.approvals.refresh")}
        </Button>
      </Group>
      <SegmentedControl
        aria-label={t("office.approvals.filter.label")}
        value={filter}
        onChange={(v) => {
          setFilter(v as Filter);
          setPages([]);
          setNotice(null);
        }}
        data={FILTERS.map((f) => ({ value: f, label: t(`office.approvals.filter.${f}` as MessageKey) }))}
        data-testid="approvals-filter"
      />
      {notice && (
        <Alert color={notice.ok ? "green" : "red"} role="status" data-testid="approvals-notice">
          {notice.text}
        </Alert>
      )}
      {list.error != null && <ErrorState error={list.error} onRetry={list.reload} />}
      {!list.data && list.error == null && <LoadingState />}
      {list.data && list.data.items.length === 0 && <Text c="dimmed">{t("office.approvals.empty")}</Text>}
      {list.data?.items.map((r) => <RequestCard key={r.id} request={r} onDecide={setDecision} />)}
      {list.data?.next && (
        <Button variant="default" onClick={() => setPages((p) => [...p, list.data?.next ?? ""])}>
          {t("office.approvals.more")}
        </Button>
      )}
      <ConfirmWithReason
        opened={d != null}
        title={t(d?.kind === "reject" ? "office.approvals.rejectTitle" : "office.approvals.approveTitle")}
        confirmLabel={t(d?.kind === "reject" ? "office.approvals.reject" : "office.approvals.approve")}
        color={d?.kind === "reject" ? "red.9" : "bank"}
        onClose={() => setDecision(null)}
        onConfirm={confirm}
        testId="approval-confirm"
      >
        {d && (
          <Stack gap={4}>
            <Text fw={600}>{t(`office.approvals.kind.${d.request.kind}` as MessageKey)}</Text>
            <MoneyText money={d.request.amount} fw={700} />
            <Subject request={d.request} />
            {d.kind === "approve" && (
              <Text size="sm" c="dimmed">
                {t("office.approvals.approveNote")}
              </Text>
            )}
          </Stack>
        )}
      </ConfirmWithReason>
    </Stack>
  );
}
