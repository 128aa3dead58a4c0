"use client";
import { useState } from "react";
import { Button, Modal, Radio, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLock, IconLockOpen } from "@tabler/icons-react";
import { accountsApi, unwrap } from "@/api/client";
import { DialogFooter } from "@/components/DialogFooter";
import { errorMessage, useI18n } from "@/lib/i18n";

type BlockReason = "lost" | "stolen" | "suspicious" | "other";
type CardLike = { id: string; last4: string; status: string; block_reason?: BlockReason | null };
const REASONS: BlockReason[] = ["lost", "stolen", "suspicious", "other"];
const FINAL: ReadonlySet<string> = new Set(["lost", "stolen"]);

/** Block a card (the reason asked for; lost or stolen is final for the customer) or unblock it, each after a
 * confirm dialog that says what it means. */
export function CardActions({ card, onChanged }: { card: CardLike; onChanged: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState<BlockReason | null>(null);
  const blocking = card.status === "active";

  if (!blocking && card.block_reason && FINAL.has(card.block_reason)) {
    return (
      <Text size="sm" data-testid="card-final-block">
        {t("cardBlock.final")}
      </Text>
    );
  }

  async function apply() {
    if (blocking && !reason) return;
    setBusy(true);
    try {
      const path = { params: { path: { card_id: card.id } } };
      await unwrap(
        blocking
          ? accountsApi.POST("/api/accounts/cards/{card_id}/block", { ...path, body: { reason: reason! } })
          : accountsApi.POST("/api/accounts/cards/{card_id}/unblock", path),
      );
      notifications.show({ color: blocking ? "orange" : "green", message: t(blocking ? "cards.blocked" : "cards.unblocked", { last4: card.last4 }) });
      setOpen(false);
      setReason(null);
      onChanged();
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button
        size="xs"
        variant="default"
        c={blocking ? "red.9" : "green.9"}
        leftSection={blocking ? <IconLock size={14} aria-hidden /> : <IconLockOpen size={14} aria-hidden />}
        onClick={() => setOpen(true)}
        aria-label={`${t(blocking ? "cards.block" : "cards.unblock")} •• ${card.last4}`}
        data-testid={blocking ? "card-block" : "card-unblock"}
      >
        {t(blocking ? "cards.block" : "cards.unblock")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t(blocking ? "cards.blockTitle" : "cards.unblockTitle", { last4: card.last4 })} centered closeButtonProps={{ "aria-label": t("common.close") }}>
        <Stack>
          {blocking && (
            <Radio.Group label={t("cardBlock.reason.label")} value={reason} onChange={(v) => setReason(v as BlockReason)} required data-testid="card-block-reason">
              <Stack gap="xs" mt="xs">
                {REASONS.map((r) => (
                  <Radio key={r} value={r} label={t(`cardBlock.reason.${r}` as const)} data-testid={`card-reason-${r}`} />
                ))}
              </Stack>
            </Radio.Group>
          )}
          {blocking && <Text size="sm">{t("cards.blockWarn")}</Text>}
          {blocking && reason && FINAL.has(reason) && (
            <Text size="sm" fw={600} c="red.9">
              {t("cardBlock.reason.finalWarn")}
            </Text>
          )}
          <DialogFooter onCancel={() => setOpen(false)}>
            <Button color={blocking ? "red.9" : "bank"} onClick={apply} loading={busy} disabled={blocking && !reason} data-testid="card-confirm">
              {t("common.confirm")}
            </Button>
          </DialogFooter>
        </Stack>
      </Modal>
    </>
  );
}
