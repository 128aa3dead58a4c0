"use client";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Button, Group, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title, UnstyledButton } from "@mantine/core";
import { IconArrowDownLeft, IconArrowsExchange, IconArrowUpRight, IconSearch } from "@tabler/icons-react";
import { ledgerApi, unwrap } from "@/api/client";
import { EmptyNote } from "@/components/EmptyNote";
import { MoneyText } from "@/components/MoneyText";
import { productName } from "@/components/OpenAccountModal";
import { OperationDetail } from "@/components/OperationDetail";
import { ErrorState, LoadingState } from "@/components/States";
import { myAccounts } from "@/lib/cabinet";
import { counterpartyText, describe, KIND_FILTERS, ledgerType, matches, note, toOperations, type FeedPosting, type Operation } from "@/lib/history";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { useAsync } from "@/lib/useAsync";

const PAGE = 50;
const KIND_LABEL: Record<(typeof KIND_FILTERS)[number], MessageKey> = {
  exchange: "history.kind.exchange",
  bill: "history.kind.bill",
  own: "history.kind.own",
  transfer_out: "desc.transferOut",
  transfer_in: "desc.transferIn",
  topup: "desc.topup",
  reversal: "desc.reversal",
};

function Row({ op, onOpen, accountLabel }: { op: Operation; onOpen: () => void; accountLabel: (id: string) => string }) {
  const { t, locale } = useI18n();
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" });
  const main = op.kind === "exchange" ? op.in : op.out ?? op.in;
  const credit = op.kind !== "exchange" && op.kind !== "own" && !op.out;
  const Icon = op.kind === "exchange" || op.kind === "own" ? IconArrowsExchange : credit ? IconArrowDownLeft : IconArrowUpRight;
  return (
    <Paper component="li" radius={0} style={{ borderBottom: "1px solid var(--mantine-color-gray-2)" }}>
      <UnstyledButton onClick={onOpen} w="100%" px="sm" py="xs" data-testid="feed-row" data-kind={op.kind}>
        <Group justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
            <Icon color={credit ? "var(--mantine-color-green-9)" : "var(--mantine-color-gray-7)"} aria-hidden />
            <Stack gap={0} style={{ minWidth: 0 }}>
              <Text size="sm" fw={500} truncate data-testid="feed-text">
                {describe(t, op, locale)}
              </Text>
              <Group gap={6}>
                <Text size="xs" c="dimmed">
                  {dateFmt.format(new Date(op.createdAt))}
                </Text>
                {counterpartyText(t, op.counterparty) && (
                  <Text size="xs" fw={500} data-testid="feed-counterparty">
                    {counterpartyText(t, op.counterparty)}
                  </Text>
                )}
                {main && (
                  <Text size="xs" c="dimmed">
                    {accountLabel(main.account_id)}
                  </Text>
                )}
                {note(op) && (
                  <Text size="xs" c="dimmed" fs="italic">
                    «{note(op)}»
                  </Text>
                )}
              </Group>
            </Stack>
          </Group>
          {main && <MoneyText money={main.amount} sign={op.kind === "own" ? undefined : credit || op.kind === "exchange" ? "+" : "−"} fw={600} c={credit ? "green.9" : undefined} />}
        </Group>
      </UnstyledButton>
    </Paper>
  );
}

export default function HistoryPage() {
  const { t, locale } = useI18n();
  const accounts = useAsync(myAccounts, []);
  const [accountId, setAccountId] = useState("");
  const [kind, setKind] = useState("");
  const [query, setQuery] = useState("");
  // The whole history is searched by the ledger (text or counterparty); without it, only the loaded pages are.
  const [everywhere, setEverywhere] = useState("");
  const [postings, setPostings] = useState<FeedPosting[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [selected, setSelected] = useState<Operation | null>(null);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const query = { limit: PAGE, cursor: from ?? undefined, account_id: accountId || undefined, type: ledgerType(kind), q: everywhere || undefined };
        const page = (await unwrap(ledgerApi.GET("/api/ledger/transactions", { params: { query } }))) as unknown as { items: FeedPosting[]; next_cursor: string | null };
        setPostings((prev) => (from ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [accountId, kind, everywhere],
  );
  useEffect(() => {
    load(null);
  }, [load]);

  const labels = useMemo(() => new Map((accounts.data ?? []).map((a) => [a.id, `${productName(t, a.product_code)} ${a.currency} •• ${a.number.slice(-4)}`])), [accounts.data, t]);
  const accountLabel = useCallback((id: string) => labels.get(id) ?? "", [labels]);
  const operations = useMemo(() => {
    const ops = toOperations(postings).filter((op) => !kind || op.kind === kind);
    return ops.filter((op) => matches(op, query, `${describe(t, op, locale)} ${op.postings.map((p) => accountLabel(p.account_id)).join(" ")}`));
  }, [postings, kind, query, t, locale, accountLabel]);

  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t("history.title")}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
        <TextInput
          label={t("history.search")}
          placeholder={t("history.searchHint")}
          leftSection={<IconSearch size={16} aria-hidden />}
          value={query}
          onChange={(e) => {
            setQuery(e.currentTarget.value);
            setEverywhere("");
          }}
          data-testid="feed-search"
        />
        <Select
          label={t("history.account")}
          data={[{ value: "", label: t("history.allAccounts") }, ...(accounts.data ?? []).map((a) => ({ value: a.id, label: accountLabel(a.id) }))]}
          value={accountId}
          onChange={(v) => setAccountId(v ?? "")}
          allowDeselect={false}
        />
        <Select
          label={t("history.kind")}
          data={[{ value: "", label: t("common.all") }, ...KIND_FILTERS.map((k) => ({ value: k, label: t(KIND_LABEL[k]) }))]}
          value={kind}
          onChange={(v) => setKind(v ?? "")}
          allowDeselect={false}
          data-testid="feed-kind"
        />
      </SimpleGrid>
      {error != null && <ErrorState error={error} onRetry={() => load(null)} />}
      {!loading && error == null && operations.length === 0 && (query ? (
          <EmptyNote text={t("history.noMatch")} action={{ label: t("states.clearSearch"), onClick: () => setQuery("") }} />
        ) : (
          <EmptyNote text={t("lk.noTx")} action={{ label: t("states.next.transfer"), href: "/lk/transfer/" }} />
        ))}
      {operations.length > 0 && (
        <Paper withBorder radius="lg" style={{ overflow: "hidden" }}>
          <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: "none" }} data-testid="feed">
            {operations.map((op) => (
              <Row key={op.id} op={op} onOpen={() => setSelected(op)} accountLabel={accountLabel} />
            ))}
          </Stack>
        </Paper>
      )}
      {loading && <LoadingState />}
      {query.trim() && !everywhere && cursor && !loading && (
        <Button variant="light" onClick={() => setEverywhere(query.trim())} data-testid="feed-search-everywhere">
          {t("history.searchEverywhere")}
        </Button>
      )}
      {cursor && !loading && (
        <Stack gap={4} align="flex-start">
          {query && !everywhere && (
            <Text size="xs" c="dimmed">
              {t("history.loadedNote")}
            </Text>
          )}
          <Button variant="default" onClick={() => load(cursor)}>
            {t("common.more")}
          </Button>
        </Stack>
      )}
      <OperationDetail op={selected} onClose={() => setSelected(null)} accountLabel={accountLabel} />
    </Stack>
  );
}
