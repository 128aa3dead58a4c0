"use client";
import Link from "next/link";
import { Anchor, Badge, Card, Divider, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft } from "@tabler/icons-react";
import { newIdempotencyKey, unwrap } from "@/api/client";
import { MoneyText } from "@/components/MoneyText";
import { productName } from "@/components/OpenAccountModal";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatAccountNumber } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";
import { officeApi, type OfficeAccount, type OfficeCard } from "./api";
import { CustomerProducts } from "./CustomerProducts";
import { OfficeCardSpending } from "./OfficeCardSpending";
import { CardBlockAction, CloseAccountAction, CustomerBlockAction, IssueCardAction } from "./CustomerActions";
import { CustomerHistory } from "./CustomerHistory";
import { OpenAccountForm } from "./OpenAccountForm";
import { TopupForm } from "./TopupForm";

function statusLabel(t: (k: MessageKey) => string, status: string): string {
  const key = `office.status.${status}` as MessageKey;
  const label = t(key);
  return label === key ? status : label;
}

function CardRow({ card, onChanged }: { card: OfficeCard; onChanged: () => void }) {
  const { t } = useI18n();
  const blocked = card.status === "blocked";
  return (
    <Stack gap={4} data-testid="office-card" data-card-id={card.id}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Group gap="xs" wrap="nowrap">
          <Text className="tabular" ff="monospace">
            {card.pan_masked}
          </Text>
          <Text size="sm" c="dimmed">
            {card.expiry}
          </Text>
          <Badge variant="light" color={blocked ? "red" : "bank"}>
            {statusLabel(t, card.status)}
          </Badge>
        </Group>
        <CardBlockAction card={card} onDone={onChanged} />
      </Group>
      <OfficeCardSpending cardId={card.id} />
    </Stack>
  );
}

function AccountPanel({ account, customerName, onChanged }: { account: OfficeAccount; customerName: string; onChanged: () => void }) {
  const { t } = useI18n();
  const active = account.status === "active";
  return (
    <Card withBorder radius="lg" padding="md" data-testid="office-account" data-account-id={account.id} data-currency={account.currency}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={0}>
            <Text fw={600}>{productName(t, account.product_code)}</Text>
            <Text size="xs" c="dimmed" className="tabular">
              {formatAccountNumber(account.number)}
            </Text>
          </Stack>
          <Badge variant="light" color={active ? "bank" : "gray"}>
            {account.currency} · {statusLabel(t, account.status)}
          </Badge>
        </Group>
        <MoneyText money={account.balance} fz={24} fw={700} data-testid="office-balance" data-amount={account.balance?.amount ?? ""} />
        {active && <TopupForm accountId={account.id} currency={account.currency} onDone={onChanged} accountNumber={account.number} customerName={customerName} />}
        <Divider label={t("office.customer.cards")} labelPosition="left" />
        {account.cards?.length ? (
          account.cards.map((c) => <CardRow key={c.id} card={c} onChanged={onChanged} />)
        ) : (
          <Text size="sm" c="dimmed">
            {t("office.customer.noCards")}
          </Text>
        )}
        {active && (
          <Group gap="xs" align="flex-start">
            <IssueCardAction account={account} onDone={onChanged} />
            <CloseAccountAction account={account} onDone={onChanged} />
          </Group>
        )}
      </Stack>
    </Card>
  );
}

export function CustomerCardView({ id }: { id: string }) {
  const { t } = useI18n();
  const card = useAsync(() => unwrap(officeApi.GET("/api/office/customers/{customer_id}", { params: { path: { customer_id: id } } })), [id]);
  const back = (
    <Anchor component={Link} href="/office/" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        {t("office.customer.back")}
      </Group>
    </Anchor>
  );
  if (card.error && !card.data)
    return (
      <Stack>
        {back}
        <ErrorState error={card.error} onRetry={card.reload} />
      </Stack>
    );
  if (!card.data) return <LoadingState />;
  const { profile, accounts } = card.data;
  return (
    <Stack gap="md" data-testid="customer-card">
      {back}
      <Paper withBorder radius="lg" p="md">
        <Stack gap={4}>
          <Title order={2} size="h3">
            {profile.full_name}
          </Title>
          <Text style={{ overflowWrap: "anywhere" }}>{profile.email}</Text>
          {profile.phone && <Text>{profile.phone}</Text>}
          <Text size="sm" c="dimmed">
            {t("office.customer.status")}: {statusLabel(t, profile.status)} · {profile.roles.join(", ")}
          </Text>
          <CustomerBlockAction customer={profile} onDone={card.reload} />
        </Stack>
      </Paper>
      {card.error != null && <ErrorState error={card.error} onRetry={card.reload} />}
      <Title order={3} size="h4">
        {t("office.customer.accounts")}
      </Title>
      {accounts.length === 0 && <Text c="dimmed">{t("office.customer.noAccounts")}</Text>}
      {accounts.map((a) => (
        <AccountPanel key={a.id} account={a} customerName={profile.full_name} onChanged={card.reload} />
      ))}
      <CustomerHistory customerId={profile.id} accounts={accounts} />
      <CustomerProducts customerId={profile.id} />
      <Paper withBorder radius="lg" p="md">
        <Title order={3} size="h5" mb="xs">
          {t("office.account.open")}
        </Title>
        <OpenAccountForm customerId={profile.id} onOpened={card.reload} />
      </Paper>
    </Stack>
  );
}
