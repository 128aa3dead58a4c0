"use client";
import { useRef, useState, type FormEvent } from "react";
import { Alert, Badge, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconCircleCheck } from "@tabler/icons-react";
import { newIdempotencyKey, unwrap, utilitiesApi } from "@/api/client";
import type { utilities } from "@/api/generated";
import { AccountSelect } from "@/components/AccountSelect";
import { MoneyText } from "@/components/MoneyText";
import { DownloadButton } from "@/components/pay/DownloadButton";
import { Rows } from "@/components/pay/TransferSteps";
import { EmptyState, ErrorState, LoadingState } from "@/components/States";
import { myAccounts } from "@/lib/cabinet";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { parseAmountInput } from "@/lib/money";
import { needsFreshKey, outcomeOf, type AttemptOutcome } from "@/lib/payment";
import { useAsync } from "@/lib/useAsync";

type Provider = utilities.components["schemas"]["Provider"];
type Payment = utilities.components["schemas"]["UtilityPayment"];

const providers = () => unwrap(utilitiesApi.GET("/api/utilities/providers", { params: { query: { limit: 100 } } }));
const payments = () => unwrap(utilitiesApi.GET("/api/utilities/payments", { params: { query: { limit: 20 } } }));

function History({ items }: { items: Payment[] }) {
  const { t, locale } = useI18n();
  const when = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" });
  if (!items.length) return <EmptyState text={t("zhkh.noBills")} />;
  return (
    <Stack gap={0} component="ul" p={0} m={0} style={{ listStyle: "none" }} data-testid="bill-history">
      {items.map((p) => (
        <Group component="li" key={p.id} justify="space-between" wrap="nowrap" py="xs" style={{ borderBottom: "1px solid var(--mantine-color-gray-2)" }} data-testid="bill-row">
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text size="sm" fw={500} truncate>
              {p.provider.name}
            </Text>
            <Text size="xs" c="gray.7">
              {when.format(new Date(p.created_at))} · {p.payer_account}
            </Text>
          </Stack>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <Badge variant="light" color={p.status === "completed" ? "green" : p.status === "failed" ? "red" : "gray"}>
              {t(`zhkh.status.${p.status}` as MessageKey)}
            </Badge>
            <MoneyText money={p.amount} fw={600} />
          </Group>
        </Group>
      ))}
    </Stack>
  );
}

export default function Utilities() {
  const { t } = useI18n();
  const list = useAsync(providers, []);
  const history = useAsync(payments, []);
  const accounts = useAsync(myAccounts, []);
  const rub = (accounts.data ?? []).filter((a) => a.status === "active" && a.currency === "RUB");
  const [providerId, setProviderId] = useState<string | null>(null);
  const [payer, setPayer] = useState("");
  const [fromId, setFromId] = useState<string | null>(null);
  const [amount, setAmount] = useState("");
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState<Payment | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [key, setKey] = useState(newIdempotencyKey);
  const lastOutcome = useRef<AttemptOutcome | null>(null);
  const inFlight = useRef(false);

  const provider: Provider | undefined = list.data?.items.find((p) => p.id === providerId);
  const from = rub.find((a) => a.id === (fromId ?? rub[0]?.id));
  const parsed = parseAmountInput(amount, 2);
  const payerOk = !!provider && new RegExp(`^(?:${provider.payer_account.pattern})$`).test(payer.trim());
  const inRange = !!parsed && !!provider && Number(parsed) >= Number(provider.min_amount.amount) && Number(parsed) <= Number(provider.max_amount.amount);
  const valid = !!provider && payerOk && inRange && !!from;

  function review(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (valid) setConfirming(true);
  }

  async function pay() {
    if (!provider || !from || !parsed || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    let useKey = key;
    if (needsFreshKey(lastOutcome.current)) {
      useKey = newIdempotencyKey();
      setKey(useKey);
    }
    try {
      const payment = await unwrap(
        utilitiesApi.POST("/api/utilities/pay", {
          params: { header: { "Idempotency-Key": useKey } },
          body: { provider_id: provider.id, payer_account: payer.trim(), from_account_id: from.id, amount: parsed, currency: "RUB" },
        }),
      );
      lastOutcome.current = "success";
      setDone(payment);
      history.reload();
    } catch (err) {
      lastOutcome.current = outcomeOf(err);
      setError(err);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  function again() {
    setDone(null);
    setConfirming(false);
    setAmount("");
    setTouched(false);
    setKey(newIdempotencyKey());
    lastOutcome.current = null;
    accounts.reload();
  }

  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (accounts.error) return <ErrorState error={accounts.error} onRetry={accounts.reload} />;
  if (!list.data || !accounts.data) return <LoadingState />;

  const rows: [string, React.ReactNode][] = provider && from && parsed
    ? [
        [t("zhkh.provider"), provider.name],
        [t("zhkh.inn"), provider.inn],
        [provider.payer_account.label, payer.trim()],
        [t("pay.from"), from.number],
        [t("pay.amount"), <MoneyText money={{ amount: parsed, currency: "RUB" }} fw={700} />],
        [t("pay.fee"), <MoneyText money={{ amount: "0.00", currency: "RUB" }} />],
      ]
    : [];

  return (
    <Stack gap="lg" maw={640}>
      <Title order={1} size="h2">
        {t("zhkh.title")}
      </Title>
      {done ? (
        <Paper withBorder radius="lg" p="lg" data-testid="bill-done">
          <Stack>
            <Group gap="xs">
              <IconCircleCheck color="var(--mantine-color-green-8)" aria-hidden />
              <Title order={2} size="h4">
                {t(`zhkh.status.${done.status}` as MessageKey)}
              </Title>
            </Group>
            <Rows rows={[[t("pay.operation"), done.id], ...rows]} />
            <Group>
              <Button onClick={again}>{t("zhkh.another")}</Button>
              {done.transaction_id && (
                <DownloadButton path={`/api/customer/operations/${done.transaction_id}/receipt.pdf`} filename={`receipt-${done.transaction_id}.pdf`} testId="bill-receipt-pdf">
                  {t("pay.receiptPdf")}
                </DownloadButton>
              )}
            </Group>
          </Stack>
        </Paper>
      ) : confirming ? (
        <Paper withBorder radius="lg" p="lg" data-testid="bill-confirm">
          <Stack>
            <Title order={2} size="h4">
              {t("zhkh.confirmTitle")}
            </Title>
            <Rows rows={rows} />
            {error != null && (
              <Alert color="red" role="alert" data-testid="bill-error">
                {errorMessage(t, error)}
              </Alert>
            )}
            <Group>
              <Button size="md" loading={busy} onClick={pay} data-testid="bill-pay">
                {t("zhkh.pay")}
              </Button>
              <Button size="md" variant="default" disabled={busy} onClick={() => setConfirming(false)}>
                {t("pay.edit")}
              </Button>
            </Group>
          </Stack>
        </Paper>
      ) : (
        <Paper withBorder radius="lg" p="lg">
          <form onSubmit={review} noValidate data-testid="bill-form">
            <Stack>
              <Select
                label={t("zhkh.provider")}
                placeholder={t("zhkh.chooseProvider")}
                data={list.data.items.map((p) => ({ value: p.id, label: `${p.name} · ${t(`zhkh.cat.${p.category}` as MessageKey)}` }))}
                value={providerId}
                onChange={setProviderId}
                searchable
                error={touched && !provider ? t("zhkh.chooseProvider") : undefined}
                data-testid="bill-provider"
              />
              <TextInput
                label={provider?.payer_account.label ?? t("zhkh.payer")}
                description={provider?.payer_account.hint}
                value={payer}
                onChange={(e) => setPayer(e.currentTarget.value)}
                error={touched && !payerOk ? t("zhkh.badPayer") : undefined}
                required
                data-testid="bill-payer"
              />
              {rub.length ? (
                <AccountSelect label={t("transfer.from")} accounts={rub} value={from?.id ?? null} onChange={setFromId} testId="bill-from" />
              ) : (
                <Alert color="gray">{t("zhkh.needRub")}</Alert>
              )}
              <TextInput
                label={t("transfer.amount")}
                description={provider ? t("zhkh.range", { min: provider.min_amount.amount, max: provider.max_amount.amount }) : undefined}
                inputMode="decimal"
                value={amount}
                onChange={(e) => setAmount(e.currentTarget.value)}
                rightSection={<Text size="sm">RUB</Text>}
                error={touched && !inRange ? t("zhkh.badAmount") : undefined}
                required
                data-testid="bill-amount"
              />
              <Button type="submit" size="md" data-testid="bill-review">
                {t("pay.review")}
              </Button>
            </Stack>
          </form>
        </Paper>
      )}
      <Paper withBorder radius="lg" p="lg" component="section">
        <Title order={2} size="h4" mb="sm">
          {t("zhkh.history")}
        </Title>
        {history.error ? <ErrorState error={history.error} onRetry={history.reload} /> : history.data ? <History items={history.data.items} /> : <LoadingState />}
      </Paper>
    </Stack>
  );
}
