"use client";
import { Badge, Box, Group, Stack, Text } from "@mantine/core";
import type { Card } from "@/api/models";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";

const REASON_LABELS: Record<NonNullable<Card["block_reason"]>, MessageKey> = {
  lost: "cardBlock.reason.lost",
  stolen: "cardBlock.reason.stolen",
  suspicious: "cardBlock.reason.suspicious",
  other: "cardBlock.reason.other",
};

/** A payment card drawn as a card: masked number only (the API never returns the full PAN). */
export function BankCard({ card }: { card: Card }) {
  const { t } = useI18n();
  const blocked = card.status !== "active";
  return (
    <Box
      p="md"
      data-testid="bank-card"
      style={{
        borderRadius: 14,
        aspectRatio: "1.586",
        maxWidth: 320,
        color: "white",
        background: blocked ? "linear-gradient(135deg,#5c5f66,#868e96)" : "linear-gradient(135deg,#003d8a,#2f6fcc)",
        display: "flex",
        flexDirection: "column",
        justifyContent: "space-between",
      }}
    >
      <Group justify="space-between">
        <Text fw={700} size="sm">
          {t("bank.name")}
        </Text>
        {blocked && (
          <Badge color="red.9" variant="filled" size="sm">
            {t("lk.status.blocked")}
            {card.block_reason ? ` · ${t(REASON_LABELS[card.block_reason])}` : ""}
          </Badge>
        )}
      </Group>
      <Stack gap={2}>
        <Text ff="monospace" fz="lg" aria-label={`${t("lk.cards")}: ${card.last4}`}>
          {card.pan_masked}
        </Text>
        <Text size="xs">{card.expiry}</Text>
      </Stack>
    </Box>
  );
}
