"use client";
import { Drawer, SimpleGrid, Stack, Text } from "@mantine/core";
import { MoneyText } from "./MoneyText";
import { counterpartyText, describe, exchangeRateText, note, type Operation } from "@/lib/history";
import { useI18n } from "@/lib/i18n";

/** The detail view of one operation of the feed: what, when, from and to which of the customer's accounts. */
export function OperationDetail({ op, onClose, accountLabel }: { op: Operation | null; onClose: () => void; accountLabel: (id: string) => string }) {
  const { t, locale } = useI18n();
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "long", timeStyle: "medium" });
  const rows: [string, React.ReactNode][] = [];
  if (op) {
    rows.push([t("history.when"), dateFmt.format(new Date(op.createdAt))]);
    if (op.out) rows.push([t("history.fromAccount"), <span key="from">{accountLabel(op.out.account_id)} · <MoneyText money={op.out.amount} sign="−" /></span>]);
    if (op.in) rows.push([t("history.toAccount"), <span key="to">{accountLabel(op.in.account_id)} · <MoneyText money={op.in.amount} sign="+" /></span>]);
    if (op.kind === "exchange" && op.out && op.in) rows.push([t("history.rate"), exchangeRateText(op.out.amount, op.in.amount, op.rate, locale)]);
    const party = counterpartyText(t, op.counterparty) || op.provider;
    if (party) rows.push([t("history.counterparty"), <span key="party" data-testid="detail-counterparty">{party}</span>]);
    if (note(op)) rows.push([t("history.message"), note(op)]);
    rows.push([t("history.id"), <Text key="id" span ff="monospace" size="xs">{op.id}</Text>]);
  }
  return (
    <Drawer opened={op !== null} onClose={onClose} position="right" title={t("history.detail")} closeButtonProps={{ "aria-label": t("common.close") }}>
      {op && (
        <Stack gap="md" data-testid="operation-detail">
          <Text fw={600} size="lg">
            {describe(t, op, locale)}
          </Text>
          <SimpleGrid cols={1} spacing="sm" component="dl" m={0}>
            {rows.map(([k, v]) => (
              <div key={k}>
                <Text component="dt" size="xs" c="dimmed">
                  {k}
                </Text>
                <Text component="dd" m={0} size="sm">
                  {v}
                </Text>
              </div>
            ))}
          </SimpleGrid>
        </Stack>
      )}
    </Drawer>
  );
}
