"use client";
import { useState } from "react";
import { Button, Group, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconLock, IconLockOpen } from "@tabler/icons-react";
import { accountsApi, unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";

type CardLike = { id: string; last4: string; status: string };

/** Block or unblock a card, each after a confirm dialog that says what it means. */
export function CardActions({ card, onChanged }: { card: CardLike; onChanged: () => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const blocking = card.status === "active";

  async function apply() {
    setBusy(true);
    try {
      const path = { params: { path: { card_id: card.id } } };
      await unwrap(blocking ? accountsApi.POST("/api/accounts/cards/{card_id}/block", path) : accountsApi.POST("/api/accounts/cards/{card_id}/unblock", path));
      notifications.show({ color: blocking ? "orange" : "green", message: t(blocking ? "cards.blocked" : "cards.unblocked", { last4: card.last4 }) });
      setOpen(false);
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
          {blocking && <Text size="sm">{t("cards.blockWarn")}</Text>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              {t("common.cancel")}
            </Button>
            <Button color={blocking ? "red.9" : "bank"} onClick={apply} loading={busy} data-testid="card-confirm">
              {t("common.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
