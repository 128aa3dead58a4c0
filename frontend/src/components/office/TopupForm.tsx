"use client";
import { useRef, useState, type FormEvent } from "react";
import { Alert, Button, Group, Text, TextInput } from "@mantine/core";
import { newIdempotencyKey, unwrap } from "@/api/client";
import { exponentOf } from "@/lib/currency";
import { errorMessage, useI18n } from "@/lib/i18n";
import { formatMoney, parseAmountInput } from "@/lib/money";
import { needsFreshKey, outcomeOf, type AttemptOutcome } from "@/lib/payment";
import { officeApi } from "./api";

/**
 * Cash top-up of one account. The Idempotency-Key is created when the form opens and reused for every
 * retry of an attempt whose outcome is unknown; a new one only after a definitive answer.
 */
export function TopupForm({ accountId, currency, onDone }: { accountId: string; currency: string; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [amount, setAmount] = useState("");
  const [key, setKey] = useState(newIdempotencyKey);
  const lastOutcome = useRef<AttemptOutcome | null>(null);
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ amount: string; pending: boolean } | null>(null);
  const parsed = parseAmountInput(amount, exponentOf(currency));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!parsed || inFlight.current) return; // a second click while sending does nothing
    inFlight.current = true;
    setBusy(true);
    setError(null);
    setDone(null);
    let useKey = key;
    if (needsFreshKey(lastOutcome.current)) {
      useKey = newIdempotencyKey();
      setKey(useKey);
    }
    try {
      const call = officeApi.POST("/api/office/accounts/{account_id}/topup", {
        params: { path: { account_id: accountId }, header: { "Idempotency-Key": useKey } },
        body: { amount: parsed, currency, description: "Взнос наличных в кассе" },
      });
      await unwrap(call);
      // 202: at or above the approval threshold the top-up waits for a second employee (maker-checker).
      const pending = (await call).response.status === 202;
      lastOutcome.current = "success";
      setDone({ amount: formatMoney({ amount: parsed, currency }, locale), pending });
      setAmount("");
      setTouched(false);
      onDone();
    } catch (err) {
      lastOutcome.current = outcomeOf(err);
      setError(err);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate data-idempotency-key={key} data-testid="topup-form">
      <Group align="flex-start" wrap="nowrap" gap="xs">
        <TextInput
          style={{ flex: 1 }}
          aria-label={`${t("office.topup.title")}, ${currency}`}
          placeholder={t("office.topup.amount")}
          inputMode="decimal"
          value={amount}
          onChange={(e) => setAmount(e.currentTarget.value)}
          rightSection={<Text size="sm">{currency}</Text>}
          error={touched && !parsed ? t("office.topup.badAmount") : undefined}
          data-testid="topup-amount"
        />
        <Button type="submit" loading={busy} data-testid="topup-submit">
          {t("office.topup.submit")}
        </Button>
      </Group>
      {error != null && (
        <Alert mt="xs" color="red" role="alert" data-testid="topup-error">
          {errorMessage(t, error)}
        </Alert>
      )}
      {done && (
        <Alert mt="xs" color={done.pending ? "yellow" : "green"} role="status" data-testid={done.pending ? "topup-pending" : "topup-done"}>
          {t(done.pending ? "office.topup.pending" : "office.topup.done", { amount: done.amount })}
        </Alert>
      )}
    </form>
  );
}
