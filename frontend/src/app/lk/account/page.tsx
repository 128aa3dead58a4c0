"use client";
import { Suspense, useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Anchor, Badge, Button, CopyButton, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconArrowLeft, IconCopy } from "@tabler/icons-react";
import { accountsApi, newIdempotencyKey, unwrap } from "@/api/client";
import type { Account, Posting, TxType } from "@/api/models";
import { BankCard } from "@/components/BankCard";
import { CardActions } from "@/components/CardActions";
import { CloseAccount } from "@/components/CloseAccount";
import { CardTopup } from "@/components/acquiring/CardTopup";
import { AccountDocuments } from "@/components/pay/AccountDocuments";
import { CardSpending } from "@/components/cards/CardSpending";
import { MoneyText } from "@/components/MoneyText";
import { productName } from "@/components/OpenAccountModal";
import { ErrorState, LoadingState } from "@/components/States";
import { TransactionList } from "@/components/TransactionList";
import { accountCards, transactions, type TxFilters } from "@/lib/cabinet";
import { errorMessage, useI18n } from "@/lib/i18n";
import { formatAccountNumber } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";

const PAGE = 10;
const TYPES = ["topup", "transfer", "exchange", "issuance", "hold_capture", "reversal"] as const satisfies readonly TxType[];

function History({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<TxFilters>({});
  const [filters, setFilters] = useState<TxFilters>({});
  const [items, setItems] = useState<Posting[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (from: string | null, reset: boolean) => {
      setLoading(true);
      setError(null);
      try {
        const toIso = (d?: string, end = false) => (d ? new Date(`${d}T${end ? "23:59:59.999" : "00:00:00"}`).toISOString() : undefined);
        const page = await transactions({ account_id: accountId, type: filters.type, from: toIso(filters.from), to: toIso(filters.to, true) }, PAGE, from);
        setItems((prev) => (reset ? page.items : [...prev, ...page.items]));
        setCursor(page.next_cursor);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [accountId, filters],
  );
  useEffect(() => {
    load(null, true);
  }, [load]);

  return (
    <Stack gap="sm">
      <Title order={2} size="h4">
        {t("lk.history")}
      </Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <Select
            label={t("lk.filter.type")}
            data={[{ value: "", label: t("common.all") }, ...TYPES.map((x) => ({ value: x, label: t(`tx.${x}`) }))]}
            value={draft.type ?? ""}
            onChange={(v) => setDraft({ ...draft, type: v || undefined })}
            allowDeselect={false}
          />
          <TextInput type="date" label={t("lk.filter.from")} value={draft.from ?? ""} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value || undefined })} />
          <TextInput type="date" label={t("lk.filter.to")} value={draft.to ?? ""} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value || undefined })} />
          <Button type="submit" variant="light" style={{ alignSelf: "end" }}>
            {t("lk.filter.apply")}
          </Button>
        </SimpleGrid>
      </form>
      <Paper withBorder radius="lg" style={{ overflow: "hidden" }}>
        {error != null ? <ErrorState error={error} onRetry={() => load(null, true)} /> : <TransactionList items={items} />}
      </Paper>
      {loading && <LoadingState />}
      {cursor && !loading && (
        <Button variant="default" onClick={() => load(cursor, false)} data-testid="more">
          {t("common.more")}
        </Button>
      )}
    </Stack>
  );
}

function AccountDetails() {
  const { t } = useI18n();
  const id = useSearchParams().get("id") ?? "";
  const account = useAsync(async () => (await unwrap(accountsApi.GET("/api/accounts/{account_id}", { params: { path: { account_id: id } } }))) as unknown as Account, [id]);
  const cards = useAsync(() => accountCards(id), [id]);
  const [issuing, setIssuing] = useState(false);

  async function issueCard() {
    setIssuing(true);
    try {
      await unwrap(accountsApi.POST("/api/accounts/{account_id}/cards", { params: { path: { account_id: id }, header: { "Idempotency-Key": newIdempotencyKey() } } }));
      cards.reload();
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(t, err) });
    } finally {
      setIssuing(false);
    }
  }

  if (account.error) return <ErrorState error={account.error} onRetry={account.reload} />;
  if (!account.data) return <LoadingState />;
  const a = account.data;
  return (
    <Stack gap="lg">
      <Anchor component={Link} href="/lk/" size="sm">
        <Group gap={4}>
          <IconArrowLeft size={16} aria-hidden />
          {t("common.back")}
        </Group>
      </Anchor>
      <Paper withBorder radius="lg" p="lg">
        <Stack gap="xs">
          <Group justify="space-between">
            <Title order={1} size="h3">
              {productName(t, a.product_code)}
            </Title>
            <Group gap="xs">
              <Badge color={a.status === "active" ? "green.9" : "gray"}>{t(a.status === "closed" ? "lk.status.closed" : "lk.status.active")}</Badge>
              {a.status === "active" && a.currency === "RUB" && <CardTopup accountId={id} />}
              {a.status === "active" && <CloseAccount account={a} onClosed={account.reload} />}
            </Group>
          </Group>
          <Group gap="xl" align="flex-end">
            <Stack gap={0}>
              <Text size="xs" c="dimmed">
                {t("lk.balance")}
              </Text>
              <MoneyText money={a.balance} fz={32} fw={700} data-testid="account-balance" />
            </Stack>
            <Stack gap={0}>
              <Text size="xs" c="dimmed">
                {t("lk.available")}
              </Text>
              <MoneyText money={a.available} fz="lg" />
            </Stack>
          </Group>
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              {t("lk.accountNumber")}:
            </Text>
            <Text size="sm" className="tabular" data-testid="account-number">
              {formatAccountNumber(a.number)}
            </Text>
            <CopyButton value={a.number}>
              {({ copied, copy }) => (
                <Button size="compact-xs" variant="subtle" onClick={copy} leftSection={<IconCopy size={14} />}>
                  {copied ? t("lk.copied") : t("lk.copy")}
                </Button>
              )}
            </CopyButton>
          </Group>
        </Stack>
      </Paper>
      <section>
        <Group justify="space-between" mb="sm">
          <Title order={2} size="h4">
            {t("lk.cards")}
          </Title>
          {a.status === "active" && (
            <Button size="xs" variant="light" onClick={issueCard} loading={issuing}>
              {t("lk.issueCard")}
            </Button>
          )}
        </Group>
        {cards.data && cards.data.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("lk.noCards")}
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }}>
          {(cards.data ?? []).map((c) => (
            <Stack key={c.id} gap="xs">
              <BankCard card={c} />
              {a.status === "active" && <CardActions card={c} onChanged={cards.reload} />}
            </Stack>
          ))}
        </SimpleGrid>
        {(cards.data ?? []).map((c) => (
          <CardSpending key={c.id} cardId={c.id} />
        ))}
      </section>
      <AccountDocuments accountId={id} />
      <History accountId={id} />
    </Stack>
  );
}

export default function AccountPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <AccountDetails />
    </Suspense>
  );
}
