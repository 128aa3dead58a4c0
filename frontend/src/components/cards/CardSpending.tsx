"use client";
import { useEffect, useState } from "react";
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { accountsApi, unwrap } from "@/api/client";
import type { accounts } from "@/api/generated";
import { MoneyText } from "@/components/MoneyText";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";

type Limits = accounts.components["schemas"]["CardLimits"];
type Purchase = accounts.components["schemas"]["Purchase"];
type AmountField = "per_purchase" | "daily" | "monthly";
const AMOUNTS: { field: AmountField; label: MessageKey }[] = [
  { field: "per_purchase", label: "cards.limits.perPurchase" },
  { field: "daily", label: "cards.limits.daily" },
  { field: "monthly", label: "cards.limits.monthly" },
];
const STATUS_COLORS: Record<Purchase["status"], string> = {
  holding: "gray", approved: "yellow", cleared: "green", declined: "red", reversed: "gray", expired: "gray",
};
const MOVED = new Set<Purchase["status"]>(["holding", "approved", "cleared"]);
const KNOWN_DECLINES = new Set(["daily_limit_exceeded", "monthly_limit_exceeded", "per_purchase_limit_exceeded", "insufficient_funds", "card_blocked", "online_disabled", "cash_disabled"]);

/** One card's spending limits (the customer sets them) and its purchases: pending, completed and declined with the reason. */
export function CardSpending({ cardId }: { cardId: string }) {
  const { t, locale } = useI18n();
  const [limits, setLimits] = useState<Limits | null>(null);
  const [draft, setDraft] = useState<Record<AmountField, string>>({ per_purchase: "", daily: "", monthly: "" });
  const [purchases, setPurchases] = useState<Purchase[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const path = { params: { path: { card_id: cardId } } };

  function show(next: Limits) {
    setLimits(next);
    setDraft({ per_purchase: next.per_purchase ?? "", daily: next.daily ?? "", monthly: next.monthly ?? "" });
  }

  useEffect(() => {
    unwrap(accountsApi.GET("/api/accounts/cards/{card_id}/limits", path)).then(show, setError);
    unwrap(accountsApi.GET("/api/accounts/cards/{card_id}/purchases", path)).then((p) => setPurchases(p.items), setError);
  }, [cardId]);

  async function save(switches?: Partial<Pick<Limits, "online_enabled" | "cash_enabled">>) {
    if (!limits) return;
    setSaving(true);
    setError(null);
    try {
      const body = {
        per_purchase: draft.per_purchase.trim() || null,
        daily: draft.daily.trim() || null,
        monthly: draft.monthly.trim() || null,
        online_enabled: switches?.online_enabled ?? limits.online_enabled,
        cash_enabled: switches?.cash_enabled ?? limits.cash_enabled,
      };
      show(await unwrap(accountsApi.PUT("/api/accounts/cards/{card_id}/limits", { ...path, body })));
      notifications.show({ color: "green", message: t("cards.limits.saved") });
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  if (!limits) return error ? <Alert color="red">{errorMessage(t, error)}</Alert> : null;
  return (
    <Paper withBorder p="md" mt="sm" data-testid="card-spending">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t("cards.limits")}
        </Title>
        {error ? <Alert color="red">{errorMessage(t, error)}</Alert> : null}
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {AMOUNTS.map(({ field, label }) => (
            <TextInput key={field} label={`${t(label)}, ${limits.currency}`} placeholder={t("cards.limits.none")} inputMode="decimal" value={draft[field]} onChange={(e) => setDraft({ ...draft, [field]: e.currentTarget.value })} />
          ))}
        </SimpleGrid>
        <Group>
          <Switch label={t("cards.limits.online")} checked={limits.online_enabled} disabled={saving} onChange={(e) => save({ online_enabled: e.currentTarget.checked })} />
          <Switch label={t("cards.limits.cash")} checked={limits.cash_enabled} disabled={saving} onChange={(e) => save({ cash_enabled: e.currentTarget.checked })} />
          <Button size="xs" onClick={() => save()} loading={saving}>
            {t("cards.limits.save")}
          </Button>
        </Group>
        <Title order={3} size="h5">
          {t("cards.purchases")}
        </Title>
        {purchases.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("cards.purchases.empty")}
          </Text>
        ) : (
          <Table data-testid="card-purchases">
            <Table.Tbody>
              {purchases.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {p.merchant.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {locale === "en" ? p.category.en : p.category.ru}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge color={STATUS_COLORS[p.status]} variant="light">
                      {t(`cards.status.${p.status}` as MessageKey)}
                    </Badge>
                    {p.decline_reason ? (
                      <Text size="xs" c="red">
                        {t(`cards.decline.${KNOWN_DECLINES.has(p.decline_reason) ? p.decline_reason : "other"}` as MessageKey)}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td ta="right">
                    {/* Only held and cleared purchases take money: the others are shown struck through, without a sign. */}
                    {MOVED.has(p.status) ? (
                      <MoneyText money={{ amount: p.billed_amount, currency: p.billed_currency }} sign="−" />
                    ) : (
                      <MoneyText money={{ amount: p.billed_amount, currency: p.billed_currency }} c="dimmed" td="line-through" />
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Paper>
  );
}
