"use client";
import { useState } from "react";
import Link from "next/link";
import { Alert, Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { newIdempotencyKey, unwrap } from "@/api/client";
import { MoneyText } from "@/components/MoneyText";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatAccountNumber } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";
import { officeApi, type OfficeAccount, type OfficePosting } from "./api";
import { ConfirmWithReason } from "./ConfirmWithReason";

const REVERSIBLE = new Set(["issuance", "topup", "transfer", "hold_capture"]);
type Filters = { account: string; from: string; to: string };

/** The day after `day` (YYYY-MM-DD) at midnight UTC: the "to" date is inclusive on screen, exclusive in the API. */
function dayAfter(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

/** The customer card's history: postings across every account of the customer (or one), newest first, with a
 * period; a posted row that can be reversed asks for a reversal, which waits for a second employee. */
export function CustomerHistory({ customerId, accounts }: { customerId: string; accounts: OfficeAccount[] }) {
  const { t, locale } = useI18n();
  const [draft, setDraft] = useState<Filters>({ account: "", from: "", to: "" });
  const [filters, setFilters] = useState<Filters>(draft);
  const [pages, setPages] = useState<string[]>([]);
  const [reversing, setReversing] = useState<OfficePosting | null>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const [requested, setRequested] = useState(false);
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" });
  const numbers = new Map(accounts.map((a) => [a.id, a.number]));

  const list = useAsync(async () => {
    const query = {
      account_id: filters.account || undefined,
      from: filters.from ? `${filters.from}T00:00:00Z` : undefined,
      to: filters.to ? dayAfter(filters.to) : undefined,
      limit: 20,
    };
    const get = (cursor?: string) =>
      unwrap(officeApi.GET("/api/office/customers/{customer_id}/transactions", { params: { path: { customer_id: customerId }, query: { ...query, cursor } } }));
    const first = await get();
    const items = [...first.items];
    let next = first.next_cursor;
    for (const cursor of pages) {
      if (!next || cursor !== next) break;
      const more = await get(cursor);
      items.push(...more.items);
      next = more.next_cursor;
    }
    return { items, next };
  }, [customerId, filters, pages, accounts]);

  async function reverse(reason: string) {
    if (!reversing) return;
    await unwrap(
      officeApi.POST("/api/office/transactions/{transaction_id}/reversal", {
        params: { path: { transaction_id: reversing.transaction_id }, header: { "Idempotency-Key": key } },
        body: { reason },
      }),
    );
    setKey(newIdempotencyKey());
    setReversing(null);
    setRequested(true);
  }

  return (
    <Paper withBorder radius="lg" p="md" data-testid="office-history">
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t("office.history.title")}
        </Title>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setPages([]);
            setFilters(draft);
          }}
        >
          <Group align="flex-end" wrap="wrap" gap="xs">
            <NativeSelect
              label={t("office.history.account")}
              value={draft.account}
              onChange={(e) => setDraft({ ...draft, account: e.currentTarget.value })}
              data={[{ value: "", label: t("office.history.allAccounts") }, ...accounts.map((a) => ({ value: a.id, label: `${formatAccountNumber(a.number)} · ${a.currency}` }))]}
              data-testid="history-account"
            />
            <TextInput type="date" label={t("office.history.from")} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
            <TextInput type="date" label={t("office.history.to")} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
            <Button type="submit" variant="light" data-testid="history-apply">
              {t("office.history.apply")}
            </Button>
          </Group>
        </form>
        {requested && (
          <Alert color="yellow" role="status" data-testid="reversal-requested">
            {t("office.history.reverseRequested")}{" "}
            <Anchor component={Link} href="/office/approvals/">
              {t("office.history.openQueue")}
            </Anchor>
          </Alert>
        )}
        {list.error != null && <ErrorState error={list.error} onRetry={list.reload} />}
        {!list.data && list.error == null && <LoadingState />}
        {list.data && list.data.items.length === 0 && <Text c="dimmed">{t("office.history.empty")}</Text>}
        {list.data && list.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={560}>
            <Table verticalSpacing="xs">
              <Table.Tbody>
                {list.data.items.map((p) => (
                  <Table.Tr key={`${p.transaction_id}-${p.account_id}`} data-testid="history-row" data-transaction-id={p.transaction_id} data-type={p.type}>
                    <Table.Td>
                      <Text size="sm">{dateFmt.format(new Date(p.created_at))}</Text>
                      <Text size="xs" c="dimmed" className="tabular">
                        {formatAccountNumber(numbers.get(p.account_id) ?? p.account_id)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={p.type === "reversal" ? "bank" : "gray"}>
                        {t(`office.history.type.${p.type}` as MessageKey)}
                      </Badge>
                      {p.description && (
                        <Text size="xs" c="dimmed">
                          {p.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      <MoneyText money={p.amount} sign={p.direction === "credit" ? "+" : "−"} fw={600} />
                    </Table.Td>
                    <Table.Td ta="right">
                      {REVERSIBLE.has(p.type) && (
                        <Button size="xs" variant="subtle" color="red" onClick={() => setReversing(p)} data-testid="history-reverse">
                          {t("office.history.reverse")}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.data?.next && (
          <Button variant="default" onClick={() => setPages((p) => [...p, list.data?.next ?? ""])}>
            {t("office.history.more")}
          </Button>
        )}
      </Stack>
      <ConfirmWithReason
        opened={reversing != null}
        title={t("office.history.reverseTitle")}
        confirmLabel={t("office.history.reverse")}
        color="red.9"
        onClose={() => setReversing(null)}
        onConfirm={reverse}
        testId="reverse-confirm"
      >
        {reversing && (
          <Stack gap={4}>
            <Text>
              {t(`office.history.type.${reversing.type}` as MessageKey)} · {dateFmt.format(new Date(reversing.created_at))}
            </Text>
            <MoneyText money={reversing.amount} fw={700} />
            <Text size="sm" c="dimmed">
              {t("office.history.reverseNote")}
            </Text>
          </Stack>
        )}
      </ConfirmWithReason>
    </Paper>
  );
}
