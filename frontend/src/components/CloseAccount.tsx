"use client";
import { useState } from "react";
import { Alert, Button, Modal, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { accountsApi, unwrap } from "@/api/client";
import { DialogFooter } from "@/components/DialogFooter";
import { errorMessage, useI18n } from "@/lib/i18n";
import { formatAccountNumber, formatMoney, toScaled, type Money } from "@/lib/money";

type AccountLike = { id: string; number: string; balance?: Money | null; available?: Money | null };

/** Whether the account still holds money (or has money held): then it cannot be closed yet. */
export function holdsMoney(a: AccountLike): boolean {
  const nonZero = (m: Money | null | undefined) => !!m && toScaled(m.amount, 4) !== BigInt(0);
  return nonZero(a.balance) || (!!a.available && !!a.balance && toScaled(a.available.amount, 4) !== toScaled(a.balance.amount, 4));
}

/** "Close the account": refused with a plain reason while it holds money; the ledger has the last word. */
export function CloseAccount({ account, onClosed }: { account: AccountLike; onClosed: () => void }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const full = holdsMoney(account);

  async function close() {
    setBusy(true);
    setError(null);
    try {
      await unwrap(accountsApi.POST("/api/accounts/{account_id}/close", { params: { path: { account_id: account.id } } }));
      notifications.show({ color: "green", message: t("close.done") });
      setOpen(false);
      onClosed();
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Button variant="default" c="red.9" size="xs" onClick={() => setOpen(true)} data-testid="close-account">
        {t("close.button")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("close.title", { number: formatAccountNumber(account.number) })} centered closeButtonProps={{ "aria-label": t("common.close") }}>
        <Stack>
          <Text size="sm">{t("close.text")}</Text>
          {full && (
            <Alert color="orange" variant="light" data-testid="close-refused">
              {t("close.hasMoney", { amount: formatMoney(account.balance, locale) })}
            </Alert>
          )}
          <DialogFooter error={error} errorTestId="close-error" onCancel={() => setOpen(false)}>
            <Button color="red.9" onClick={close} loading={busy} disabled={full} data-testid="close-confirm">
              {t("close.button")}
            </Button>
          </DialogFooter>
        </Stack>
      </Modal>
    </>
  );
}
