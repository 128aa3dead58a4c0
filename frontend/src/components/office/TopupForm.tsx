"use client";
import { useRef, useState, type FormEvent } from "react";
import Link from "next/link";
import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { IconPrinter } from "@tabler/icons-react";
import { newIdempotencyKey, unwrap } from "@/api/client";
import { exponentOf } from "@/lib/currency";
import { useI18n } from "@/lib/i18n";
import { formatAccountNumber, formatMoney, parseAmountInput } from "@/lib/money";
import { needsFreshKey, outcomeOf, type AttemptOutcome } from "@/lib/payment";
import { officeApi } from "./api";
import { ConfirmWithReason } from "./ConfirmWithReason";

type Receipt = { transactionId: string; amount: string; at: string; account: string; customer: string };
type Props = { accountId: string; currency: string; onDone: () => void; accountNumber?: string; customerName?: string };

function ReceiptView({ receipt, onClose }: { receipt: Receipt; onClose: () => void }) {
  const { t, locale } = useI18n();
  const when = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "medium" }).format(new Date(receipt.at));
  const rows: [string, string][] = [
    [t("office.receipt.transaction"), receipt.transactionId],
    [t("office.receipt.when"), when],
    [t("office.topupConfirm.amount"), receipt.amount],
    [t("office.topupConfirm.account"), receipt.account],
    [t("office.topupConfirm.customer"), receipt.customer],
  ];
  return (
    <Paper withBorder radius="md" p="md" mt="xs" data-testid="topup-receipt" data-transaction-id={receipt.transactionId} className="printable">
      <Stack gap="xs">
        <Title order={4} size="h5">
          {t("office.receipt.title")}
        </Title>
        <Table>
          <Table.Tbody>
            {rows.map(([k, v]) => (
              <Table.Tr key={k}>
                <Table.Th scope="row" fw={400} c="dimmed">
                  {k}
                </Table.Th>
                <Table.Td style={{ overflowWrap: "anywhere" }}>{v}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group gap="xs" className="no-print">
          <Button size="xs" variant="light" leftSection={<IconPrinter size={14} aria-hidden />} onClick={() => window.print()}>
            {t("office.receipt.print")}
          </Button>
          <Button size="xs" variant="default" onClick={onClose} data-testid="topup-receipt-close">
            {t("office.receipt.close")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/**
 * Cash top-up of one account: the amount, then a confirm step (amount, account, customer, the employee's
 * reason), then a receipt — or, at or above the approval threshold, word that it waits in the approvals queue.
 * The Idempotency-Key is created when the form opens and reused for every retry of an attempt whose outcome is
 * unknown; a new one only after a definitive answer.
 */
export function TopupForm({ accountId, currency, onDone, accountNumber, customerName }: Props) {
  const { t, locale } = useI18n();
  const [amount, setAmount] = useState("");
  const [key, setKey] = useState(newIdempotencyKey);
  const lastOutcome = useRef<AttemptOutcome | null>(null);
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [receipt, setReceipt] = useState<Receipt | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const parsed = parseAmountInput(amount, exponentOf(currency));
  const shownAmount = parsed ? formatMoney({ amount: parsed, currency }, locale) : "";
  const shownAccount = accountNumber ? formatAccountNumber(accountNumber) : accountId;

  function review(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!parsed) return;
    setReceipt(null);
    setPending(null);
    setConfirming(true);
  }

  async function deposit(reason: string) {
    if (!parsed) return;
    let useKey = key;
    if (needsFreshKey(lastOutcome.current)) {
      useKey = newIdempotencyKey();
      setKey(useKey);
    }
    const call = officeApi.POST("/api/office/accounts/{account_id}/topup", {
      params: { path: { account_id: accountId }, header: { "Idempotency-Key": useKey } },
      body: { amount: parsed, currency, description: "Взнос наличных в кассе", reason },
    });
    let done;
    try {
      done = await unwrap(call);
      lastOutcome.current = "success";
    } catch (err) {
      lastOutcome.current = outcomeOf(err);
      throw err; // shown in the dialog, which stays open for a retry with the same key
    }
    // 202: at or above the approval threshold the top-up waits for a second employee (maker-checker).
    if ((await call).response.status === 202) setPending(shownAmount);
    else {
      const movement = done as { transaction_id: string; created_at: string }; // 201: the ledger's transaction
      setReceipt({ transactionId: movement.transaction_id, amount: shownAmount, at: movement.created_at, account: shownAccount, customer: customerName ?? "" });
    }
    setConfirming(false);
    setAmount("");
    setTouched(false);
    onDone();
  }

  return (
    <form onSubmit={review} noValidate data-idempotency-key={key} data-testid="topup-form">
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
        <Button type="submit" data-testid="topup-submit">
          {t("office.topup.submit")}
        </Button>
      </Group>
      <ConfirmWithReason
        opened={confirming}
        title={t("office.topupConfirm.confirmTitle")}
        confirmLabel={t("office.topupConfirm.confirm")}
        onClose={() => setConfirming(false)}
        onConfirm={deposit}
        testId="topup-confirm"
      >
        <Stack gap={4}>
          <Text>
            {t("office.topupConfirm.amount")}: <b>{shownAmount}</b>
          </Text>
          <Text className="tabular">
            {t("office.topupConfirm.account")}: {shownAccount}
          </Text>
          {customerName && (
            <Text>
              {t("office.topupConfirm.customer")}: {customerName}
            </Text>
          )}
        </Stack>
      </ConfirmWithReason>
      {pending && (
        <Alert mt="xs" color="yellow" role="status" data-testid="topup-pending">
          {t("office.topup.pending", { amount: pending })} {t("office.topupConfirm.pendingLink")}{" "}
          <Anchor component={Link} href="/office/approvals/">
            {t("office.history.openQueue")}
          </Anchor>
        </Alert>
      )}
      {receipt && <ReceiptView receipt={receipt} onClose={() => setReceipt(null)} />}
    </form>
  );
}
