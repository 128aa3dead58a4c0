"use client";
import { useState } from "react";
import { Button, Modal, Stack, Text, TextInput } from "@mantine/core";
import { accountsApi, newIdempotencyKey, unwrap } from "@/api/client";
import { DialogFooter } from "@/components/DialogFooter";
import { errorMessage, useI18n } from "@/lib/i18n";
import { compareAmounts, parseAmountInput } from "@/lib/money";

const MIN = "10.00";
const MAX = "300000.00";

/** The amount typed, when it is a rouble amount within the card top-up limits (the back end has the last word). */
export function topupAmount(input: string): string | null {
  const amount = parseAmountInput(input, 2);
  return amount && compareAmounts(amount, MIN) >= 0 && compareAmounts(amount, MAX) <= 0 ? amount : null;
}

/** "Top up from another bank's card": amount, then the acquirer's hosted payment page (the bank never sees the card). */
export function CardTopup({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [input, setInput] = useState("");
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [key] = useState(newIdempotencyKey); // one key per dialog: a double click starts one top-up
  const amount = topupAmount(input);

  async function start() {
    setTouched(true);
    if (!amount) return;
    setBusy(true);
    setError(null);
    try {
      const topup = await unwrap(
        accountsApi.POST("/api/accounts/{account_id}/card-topups", {
          params: { path: { account_id: accountId }, header: { "Idempotency-Key": key } },
          body: { amount, currency: "RUB" },
        }),
      );
      if (topup.confirmation_url) window.location.assign(topup.confirmation_url);
    } catch (err) {
      setError(errorMessage(t, err));
      setBusy(false);
    }
  }

  return (
    <>
      <Button size="xs" variant="light" onClick={() => setOpen(true)} data-testid="card-topup-open">
        {t("topup.card.open")}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={t("topup.card.title")} centered closeButtonProps={{ "aria-label": t("common.close") }}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            start();
          }}
        >
          <Stack>
            <Text size="sm">{t("topup.card.text")}</Text>
            <TextInput
              label={t("topup.card.amount")}
              description={t("topup.card.limits")}
              inputMode="decimal"
              value={input}
              onChange={(e) => setInput(e.currentTarget.value)}
              error={touched && !amount ? t("topup.card.badAmount") : undefined}
              data-testid="card-topup-amount"
            />
            <DialogFooter error={error} errorTestId="card-topup-error" onCancel={() => setOpen(false)}>
              <Button type="submit" loading={busy} data-testid="card-topup-submit">
                {t("topup.card.submit")}
              </Button>
            </DialogFooter>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
