"use client";
import { Badge, Group, Paper, Stack, Text } from "@mantine/core";
import { IconArrowDownLeft, IconArrowUpRight } from "@tabler/icons-react";
import type { Posting } from "@/api/models";
import type { MessageKey } from "@/lib/messages";
import { useI18n } from "@/lib/i18n";
import { MoneyText } from "./MoneyText";
import { RepeatLink } from "./pay/RepeatLink";
import { EmptyState } from "./States";

export function txTypeLabel(t: (k: MessageKey) => string, type: string): string {
  const key = `tx.${type}` as MessageKey;
  const label = t(key);
  return label === key ? type : label;
}

export function TransactionList({ items, accountLabel }: { items: Posting[]; accountLabel?: (id: string) => string | undefined }) {
  const { t, locale } = useI18n();
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" });
  if (!items.length) return <EmptyState text={t("lk.noTx")} />;
  return (
    <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: "none" }} data-testid="tx-list">
      {items.map((p, i) => {
        const credit = p.direction === "credit";
        return (
          <Paper component="li" key={`${p.transaction_id}-${p.account_id}-${i}`} px="sm" py="xs" radius={0} style={{ borderBottom: "1px solid var(--mantine-color-gray-2)" }} data-testid="tx-row">
            <Group justify="space-between" wrap="nowrap" gap="sm">
              <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
                {credit ? <IconArrowDownLeft color="var(--mantine-color-green-8)" aria-hidden /> : <IconArrowUpRight color="var(--mantine-color-gray-7)" aria-hidden />}
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm" fw={500} truncate>
                    {p.description || txTypeLabel(t, p.type)}
                  </Text>
                  <Group gap={6}>
                    <Text size="xs" c="dimmed">
                      {dateFmt.format(new Date(p.created_at))}
                    </Text>
                    <Badge size="xs" variant="light" color="gray">
                      {txTypeLabel(t, p.type)}
                    </Badge>
                    {p.type === "transfer" && !credit && <RepeatLink from={p.account_id} amount={p.amount.amount} message={p.description} />}
                    {accountLabel?.(p.account_id) && (
                      <Text size="xs" c="dimmed">
                        {accountLabel(p.account_id)}
                      </Text>
                    )}
                  </Group>
                </Stack>
              </Group>
              <MoneyText money={p.amount} sign={credit ? "+" : "−"} fw={600} c={credit ? "green.9" : undefined} aria-label={`${credit ? t("tx.credit") : t("tx.debit")}`} />
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
