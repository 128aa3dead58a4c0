"use client";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useMediaQuery } from "@mantine/hooks";
import { Alert, Button, Paper, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { customerApi, ledgerApi, newIdempotencyKey, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { AccountSelect } from "@/components/AccountSelect";
import { DownloadButton } from "@/components/pay/DownloadButton";
import { ConfirmStep, ReceiptStep, type Receipt, type Review } from "@/components/pay/TransferSteps";
import { EmptyState, ErrorState, LoadingState, NotAvailable } from "@/components/States";
import { myAccounts } from "@/lib/cabinet";
import { exponentOf } from "@/lib/currency";
import { errorMessage, useI18n } from "@/lib/i18n";
import { parseAmountInput } from "@/lib/money";
import { needsFreshKey, outcomeOf, type AttemptOutcome } from "@/lib/payment";
import { normalizePhone } from "@/lib/phone";
import { readPrefill, type TransferMode as Mode } from "@/lib/repeat";
import { useAsync } from "@/lib/useAsync";

const zero = (currency: string) => ({ amount: (0).toFixed(exponentOf(currency)), currency });

export default function Transfer() {
  const { t } = useI18n();
  const accounts = useAsync(myAccounts, []);
  const narrow = useMediaQuery("(max-width: 48em)");
  const active = (accounts.data ?? []).filter((a) => a.status === "active");
  const [mode, setMode] = useState<Mode>("own");
  const [fromId, setFromId] = useState<string | null>(null);
  const [toId, setToId] = useState<string | null>(null);
  const [toNumber, setToNumber] = useState("");
  const [toPhone, setToPhone] = useState("");
  const [amount, setAmount] = useState("");
  const [message, setMessage] = useState("");
  // The key is created when the form opens and kept for every retry of the same attempt.
  const [key, setKey] = useState(newIdempotencyKey);
  const lastOutcome = useRef<AttemptOutcome | null>(null);
  const inFlight = useRef(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [touched, setTouched] = useState(false);

  useEffect(() => {
    const prefill = readPrefill(window.location.search);
    if (prefill.mode) setMode(prefill.mode);
    if (prefill.from) setFromId(prefill.from);
    if (prefill.amount) setAmount(prefill.amount);
    if (prefill.message) setMessage(prefill.message);
    if (prefill.to && prefill.mode === "own") setToId(prefill.to);
    if (prefill.to && prefill.mode === "account") setToNumber(prefill.to);
    if (prefill.to && prefill.mode === "phone") setToPhone(prefill.to);
  }, []);

  const from = active.find((a) => a.id === (fromId ?? active[0]?.id));
  const ownTargets = active.filter((a) => a.id !== from?.id && a.currency === from?.currency);
  const parsed = from ? parseAmountInput(amount, exponentOf(from.currency)) : null;
  const target = mode === "own" ? ownTargets.find((a) => a.id === toId) ?? ownTargets[0] : undefined;
  const number = toNumber.replace(/\s/g, "");
  const numberOk = /^\d{20}$/.test(number);
  const phone = normalizePhone(toPhone);
  const valid = !!from && !!parsed && (mode === "own" ? !!target : mode === "account" ? numberOk : !!phone);
  const endpointMissing = error instanceof ApiError && error.endpointMissing;
  const recipient = mode === "account" ? { to_account_number: number } : { to_phone: phone ?? "" };

  async function guarded(work: () => Promise<void>) {
    if (inFlight.current) return; // a second click while working does nothing
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!valid || !from || !parsed) return;
    const money = { amount: parsed, currency: from.currency };
    if (mode === "own") {
      setReview({ fromAccountNumber: from.number, recipientName: null, recipientAccount: target!.number, amount: money, fee: zero(from.currency), total: money, message });
      return;
    }
    await guarded(async () => {
      const shown = await unwrap(
        customerApi.POST("/api/customer/transfer/preview", { body: { from_account_id: from.id, ...recipient, amount: parsed, currency: from.currency, description: message } }),
      );
      setReview({ fromAccountNumber: shown.from_account_number, recipientName: shown.recipient.name ?? null, recipientAccount: shown.recipient.account_number_masked, amount: shown.amount, fee: shown.fee, total: shown.total, message });
    });
  }

  async function pay() {
    if (!from || !parsed || inFlight.current) return;
    let useKey = key;
    if (needsFreshKey(lastOutcome.current)) {
      useKey = newIdempotencyKey();
      setKey(useKey);
    }
    const params = { header: { "Idempotency-Key": useKey } };
    const body = { from_account_id: from.id, amount: parsed, currency: from.currency, description: message };
    await guarded(async () => {
      try {
        const answer = (
          mode === "own"
            ? await unwrap(ledgerApi.POST("/api/ledger/transfer", { params, body: { ...body, to_account_id: target!.id } }))
            : await unwrap(customerApi.POST("/api/customer/transfer", { params, body: { ...body, ...recipient } }))
        ) as Record<string, unknown>;
        lastOutcome.current = "success";
        setReceipt({ review: review!, operationId: String(answer.transaction_id ?? answer.id ?? ""), at: new Date() });
      } catch (err) {
        lastOutcome.current = outcomeOf(err);
        throw err;
      }
    });
  }

  function again(keepFields: boolean) {
    setReceipt(null);
    setReview(null);
    if (!keepFields) {
      setAmount("");
      setMessage("");
    }
    setTouched(false);
    setKey(newIdempotencyKey());
    lastOutcome.current = null;
    accounts.reload();
  }

  if (accounts.error) return <ErrorState error={accounts.error} onRetry={accounts.reload} />;
  if (!accounts.data) return <LoadingState />;
  if (active.length === 0) return <EmptyState text={t("states.noAccountsToPay")} action={{ label: t("lk.openAccount"), href: "/lk/" }} />;

  return (
    <Stack gap="lg" maw={560}>
      <Title order={1} size="h2">
        {t("transfer.title")}
      </Title>
      {receipt ? (
        <ReceiptStep
          receipt={receipt}
          onAnother={() => again(false)}
          onRepeat={() => again(true)}
          extra={
            receipt.operationId && (
              <DownloadButton path={`/api/customer/operations/${receipt.operationId}/receipt.pdf`} filename={`receipt-${receipt.operationId}.pdf`} testId="receipt-pdf">
                {t("pay.receiptPdf")}
              </DownloadButton>
            )
          }
        />
      ) : review ? (
        <ConfirmStep review={review} busy={busy} error={error} onConfirm={pay} onEdit={() => { setReview(null); setError(null); }} />
      ) : (
        <Paper withBorder radius="lg" p="lg">
          <form onSubmit={submit} noValidate data-idempotency-key={key} data-testid="transfer-form">
            <Stack>
              <SegmentedControl
                fullWidth
                value={mode}
                onChange={(v) => {
                  setMode(v as Mode);
                  setError(null);
                }}
                data={[
                  { value: "own", label: t("pay.modeOwn") },
                  { value: "account", label: t("pay.modeAccount") },
                  { value: "phone", label: t("pay.modePhone") },
                ]}
                aria-label={t("transfer.title")}
                orientation={narrow ? "vertical" : "horizontal"}
              />
              <AccountSelect label={t("transfer.from")} accounts={active} value={from?.id ?? null} onChange={setFromId} testId="from-account" />
              {mode === "own" &&
                (ownTargets.length ? (
                  <AccountSelect label={t("transfer.to")} accounts={ownTargets} value={target?.id ?? null} onChange={setToId} testId="to-account" />
                ) : (
                  <Alert color="gray">{t("transfer.needAccounts")}</Alert>
                ))}
              {mode === "account" && (
                <TextInput
                  label={t("transfer.toNumber")}
                  description={t("transfer.toNumberHint")}
                  inputMode="numeric"
                  value={toNumber}
                  onChange={(e) => setToNumber(e.currentTarget.value)}
                  error={touched && !numberOk ? t("transfer.badNumber") : undefined}
                  required
                  data-testid="to-number"
                />
              )}
              {mode === "phone" && (
                <TextInput
                  label={t("transfer.toPhone")}
                  description={t("pay.phoneHint")}
                  type="tel"
                  placeholder="+7 900 123-45-67"
                  value={toPhone}
                  onChange={(e) => setToPhone(e.currentTarget.value)}
                  error={touched && !phone ? t("transfer.badPhone") : undefined}
                  required
                  data-testid="to-phone"
                />
              )}
              <TextInput
                label={t("transfer.amount")}
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.currentTarget.value)}
                rightSection={<Text size="sm">{from?.currency}</Text>}
                error={touched && !parsed ? t("transfer.badAmount") : undefined}
                required
                data-testid="amount"
              />
              <TextInput label={t("transfer.message")} value={message} maxLength={200} onChange={(e) => setMessage(e.currentTarget.value)} />
              {endpointMissing ? (
                <NotAvailable what={mode === "phone" ? t("transfer.mode.phone") : t("transfer.mode.account")} />
              ) : (
                error != null && (
                  <Alert color="red" role="alert" data-testid="transfer-error">
                    {errorMessage(t, error)}
                  </Alert>
                )
              )}
              <Button type="submit" size="md" loading={busy} data-testid="review">
                {busy ? t("pay.checking") : t("pay.review")}
              </Button>
            </Stack>
          </form>
        </Paper>
      )}
    </Stack>
  );
}
