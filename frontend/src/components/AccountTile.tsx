"use client";
import Link from "next/link";
import { Badge, Card, Group, Stack, Text } from "@mantine/core";
import type { Account } from "@/api/models";
import { formatAccountNumber } from "@/lib/money";
import { useI18n } from "@/lib/i18n";
import { MoneyText } from "./MoneyText";
import { productName } from "./OpenAccountModal";

export function accountShortLabel(a: Account): string {
  return `${a.currency} ··${a.number.slice(-4)}`;
}

export function AccountTile({ account }: { account: Account }) {
  const { t } = useI18n();
  return (
    <Card
      withBorder
      padding="lg"
      radius="lg"
      component={Link}
      href={`/lk/account/?id=${account.id}`}
      data-testid="account-tile"
      data-account-id={account.id}
      data-currency={account.currency}
      aria-label={`${productName(t, account.product_code)} ${accountShortLabel(account)}`}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Text fw={600} size="sm">
            {productName(t, account.product_code)}
          </Text>
          <Badge variant="light" color={account.status === "active" ? "bank" : "gray"}>
            {account.currency}
          </Badge>
        </Group>
        <MoneyText money={account.balance} fz={26} fw={700} data-testid="account-balance" />
        <Group justify="space-between" wrap="nowrap">
          <Text size="xs" c="dimmed" className="tabular">
            {formatAccountNumber(account.number)}
          </Text>
          {account.status !== "active" && (
            <Badge size="xs" color="gray">
              {t(account.status === "closed" ? "lk.status.closed" : "lk.status.active")}
            </Badge>
          )}
        </Group>
        {account.available && account.balance && account.available.amount !== account.balance.amount && (
          <Text size="xs" c="dimmed">
            {t("lk.available")}: <MoneyText money={account.available} size="xs" />
          </Text>
        )}
      </Stack>
    </Card>
  );
}
