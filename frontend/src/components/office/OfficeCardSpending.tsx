"use client";
import { useEffect, useState } from "react";
import { Alert, Badge, Button, Collapse, Group, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { unwrap } from "@/api/client";
import { MoneyText } from "@/components/MoneyText";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { officeApi, type OfficeCardLimits, type OfficePurchase } from "./api";
import { ConfirmWithReason } from "./ConfirmWithReason";

type AmountField = "per_purchase" | "daily" | "monthly";
type Draft = Record<AmountField, string> & { online_enabled: boolean; cash_enabled: boolean };
const AMOUNTS: { field: AmountField; label: MessageKey }[] = [
  { field: "per_purchase", label: "cards.limits.perPurchase" },
  { field: "daily", label: "cards.limits.daily" },
  { field: "monthly", label: "cards.limits.monthly" },
];
// Dark shades on an outline badge: readable (axe colour contrast) whatever the status.
const STATUS_COLORS: Record<string, string> = {
  holding: "gray.8", approved: "blue.9", cleared: "green.9", declined: "red.9", reversed: "gray.8", expired: "gray.8",
};

function draftOf(l: OfficeCardLimits): Draft {
  return { per_purchase: l.per_purchase ?? "", daily: l.daily ?? "", monthly: l.monthly ?? "", online_enabled: l.online_enabled, cash_enabled: l.cash_enabled };
}

function Purchases({ items }: { items: OfficePurchase[] }) {
  const { t, locale } = useI18n();
  if (items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t("cards.purchases.empty")}
      </Text>
    );
  return (
    <Table data-testid="office-card-purchases">
      <Table.Tbody>
        {items.map((p) => (
          <Table.Tr key={p.id} data-status={p.status}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {p.merchant.name}
              </Text>
              <Text size="xs" c="dimmed">
                MCC {p.mcc} · {locale === "en" ? p.category.en : p.category.ru}
              </Text>
            </Table.Td>
            <Table.Td>
              <Badge color={STATUS_COLORS[p.status] ?? "gray.8"} variant="outline">
                {t(`cards.status.${p.status}` as MessageKey)}
              </Badge>
              {p.pending && (
                <Text size="xs" c="dimmed">
                  {t("office.spending.pending")}
                </Text>
              )}
              {p.decline_reason && (
                <Text size="xs" c="red">
                  {p.decline_reason}
                </Text>
              )}
            </Table.Td>
            <Table.Td ta="right">
              <MoneyText money={{ amount: p.billed_amount, currency: p.billed_currency }} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function Spending({ cardId }: { cardId: string }) {
  const { t } = useI18n();
  const [limits, setLimits] = useState<OfficeCardLimits | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [purchases, setPurchases] = useState<OfficePurchase[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState(false);
  const path = { params: { path: { card_id: cardId } } };

  useEffect(() => {
    unwrap(officeApi.GET("/api/office/cards/{card_id}/limits", path)).then((l) => {
      setLimits(l);
      setDraft(draftOf(l));
    }, setError);
    unwrap(officeApi.GET("/api/office/cards/{card_id}/purchases", path)).then((p) => setPurchases(p.items), setError);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cardId]);

  async function save(reason: string) {
    if (!draft) return;
    const body = {
      per_purchase: draft.per_purchase.trim() || null,
      daily: draft.daily.trim() || null,
      monthly: draft.monthly.trim() || null,
      online_enabled: draft.online_enabled,
      cash_enabled: draft.cash_enabled,
      reason,
    };
    const next = await unwrap(officeApi.PUT("/api/office/cards/{card_id}/limits", { ...path, body }));
    setLimits(next);
    setDraft(draftOf(next));
    setConfirming(false);
    setSaved(true);
  }

  if (error != null && !limits) return <Alert color="red">{errorMessage(t, error)}</Alert>;
  if (!limits || !draft) return null;
  const none = t("office.spending.none");
  return (
    <Stack gap="sm" data-testid="office-card-spending">
      <Title order={4} size="h6">
        {t("cards.limits")}
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        {AMOUNTS.map(({ field, label }) => (
          <TextInput
            key={field}
            size="xs"
            label={`${t(label)}, ${limits.currency}`}
            placeholder={t("cards.limits.none")}
            inputMode="decimal"
            value={draft[field]}
            onChange={(e) => setDraft({ ...draft, [field]: e.currentTarget.value })}
            data-testid={`office-limit-${field}`}
          />
        ))}
      </SimpleGrid>
      <Group>
        <Switch size="xs" label={t("cards.limits.online")} checked={draft.online_enabled} onChange={(e) => setDraft({ ...draft, online_enabled: e.currentTarget.checked })} />
        <Switch size="xs" label={t("cards.limits.cash")} checked={draft.cash_enabled} onChange={(e) => setDraft({ ...draft, cash_enabled: e.currentTarget.checked })} />
        <Button size="xs" onClick={() => setConfirming(true)} data-testid="office-limits-edit">
          {t("office.spending.edit")}
        </Button>
      </Group>
      {saved && (
        <Alert color="green" role="status" py={6}>
          {t("office.spending.saved")}
        </Alert>
      )}
      <Title order={4} size="h6">
        {t("cards.purchases")}
      </Title>
      {purchases && <Purchases items={purchases} />}
      <ConfirmWithReason opened={confirming} title={t("office.spending.confirmTitle")} confirmLabel={t("office.spending.edit")} onClose={() => setConfirming(false)} onConfirm={save}>
        <Text size="sm">
          {t("office.spending.confirmText", {
            per: draft.per_purchase.trim() || none,
            daily: draft.daily.trim() || none,
            monthly: draft.monthly.trim() || none,
            online: t(draft.online_enabled ? "office.spending.on" : "office.spending.off"),
            cash: t(draft.cash_enabled ? "office.spending.on" : "office.spending.off"),
          })}
        </Text>
      </ConfirmWithReason>
    </Stack>
  );
}

/** A card's limits (staff change them with a reason) and its purchases (pending, cleared, declined; merchant and
 * MCC category), opened on demand on the back office's customer card. */
export function OfficeCardSpending({ cardId }: { cardId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <Stack gap={4}>
      <Group>
        <Button size="xs" variant="subtle" onClick={() => setOpen((v) => !v)} aria-expanded={open} data-testid="office-card-spending-toggle">
          {t(open ? "office.spending.hide" : "office.spending.show")}
        </Button>
      </Group>
      <Collapse expanded={open}>{open && <Spending cardId={cardId} />}</Collapse>
    </Stack>
  );
}
