"use client";
import { useState, type FormEvent } from "react";
import { Alert, Badge, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { accountsApi, newIdempotencyKey, unwrap } from "@/api/client";
import type { accounts } from "@/api/generated";
import { AccountSelect } from "@/components/AccountSelect";
import { MoneyText } from "@/components/MoneyText";
import { EmptyState, ErrorState, LoadingState } from "@/components/States";
import { myAccounts } from "@/lib/cabinet";
import { exponentOf } from "@/lib/currency";
import { errorMessage, useI18n } from "@/lib/i18n";
import { parseAmountInput } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";

type StandingOrder = accounts.components["schemas"]["StandingOrderOut"];
type Frequency = StandingOrder["frequency"];

async function listOrders(): Promise<StandingOrder[]> {
  return (await unwrap(accountsApi.GET("/api/accounts/standing-orders"))).items;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export default function Autopay() {
  const { t } = useI18n();
  const accountList = useAsync(myAccounts, []);
  const orders = useAsync(listOrders, []);
  const active = (accountList.data ?? []).filter((a) => a.status === "active");
  const [fromId, setFromId] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [toNumber, setToNumber] = useState("");
  const [amount, setAmount] = useState("");
  const [frequency, setFrequency] = useState<Frequency>("monthly");
  const [start, setStart] = useState(today);
  const [day, setDay] = useState("");
  const [count, setCount] = useState("");
  const [onShort, setOnShort] = useState<"skip" | "retry">("skip");
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState(false);

  const from = active.find((a) => a.id === (fromId ?? active[0]?.id));
  const parsed = from ? parseAmountInput(amount, exponentOf(from.currency)) : null;
  const valid = !!from && !!parsed && name.trim() !== "" && /^\d{20}$/.test(toNumber.replace(/\s/g, ""));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!valid || !from || !parsed || busy) return;
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        accountsApi.POST("/api/accounts/standing-orders", {
          params: { header: { "Idempotency-Key": key } },
          body: {
            name: name.trim(),
            from_account_id: from.id,
            to_account_number: toNumber.replace(/\s/g, ""),
            amount: parsed,
            currency: from.currency,
            frequency,
            start_date: start,
            day_of_month: frequency === "monthly" && day ? Number(day) : null,
            max_count: count ? Number(count) : null,
            on_insufficient: onShort,
            description: "",
          },
        }),
      );
      setCreated(true);
      setKey(newIdempotencyKey());
      setName("");
      setAmount("");
      orders.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function cancel(id: string) {
    try {
      await unwrap(accountsApi.POST("/api/accounts/standing-orders/{order_id}/cancel", { params: { path: { order_id: id } } }));
      orders.reload();
    } catch (err) {
      setError(err);
    }
  }

  if (accountList.error) return <ErrorState error={accountList.error} onRetry={accountList.reload} />;
  if (orders.error) return <ErrorState error={orders.error} onRetry={orders.reload} />;
  if (!accountList.data || !orders.data) return <LoadingState />;

  return (
    <Stack gap="lg" maw={640}>
      <Title order={1} size="h2">
        {t("autopay.title")}
      </Title>
      <Text c="dimmed">{t("autopay.lead")}</Text>
      <Stack gap="sm" data-testid="autopay-list">
        {orders.data.length === 0 && <EmptyState text={t("autopay.empty")} hint={t("states.next.autopay")} />}
        {orders.data.map((order) => (
          <Paper key={order.id} withBorder radius="md" p="md" data-testid="autopay-item">
            <Group justify="space-between">
              <Stack gap={2}>
                <Text fw={600}>{order.name}</Text>
                <MoneyText money={order.amount} />
                <Text size="sm" c="dimmed">
                  {t(`autopay.freq.${order.frequency}`)}
                  {order.next_due ? ` · ${t("autopay.next", { date: order.next_due })}` : ""}
                </Text>
              </Stack>
              <Group>
                <Badge variant="light">{t(`autopay.status.${order.status}`)}</Badge>
                {order.status === "active" && (
                  <Button variant="default" size="xs" onClick={() => cancel(order.id)}>
                    {t("autopay.cancel")}
                  </Button>
                )}
              </Group>
            </Group>
          </Paper>
        ))}
      </Stack>
      <Paper withBorder radius="lg" p="lg">
        <form onSubmit={submit} noValidate data-testid="autopay-form">
          <Stack>
            <Title order={2} size="h4">
              {t("autopay.new")}
            </Title>
            <TextInput label={t("autopay.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} required />
            <AccountSelect label={t("autopay.from")} accounts={active} value={from?.id ?? null} onChange={setFromId} />
            <TextInput label={t("autopay.to")} value={toNumber} onChange={(e) => setToNumber(e.currentTarget.value)} inputMode="numeric" required />
            <TextInput label={t("autopay.amount")} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} inputMode="decimal" required />
            <Select
              label={t("autopay.frequency")}
              value={frequency}
              onChange={(v) => setFrequency((v as Frequency) ?? "monthly")}
              allowDeselect={false}
              data={(["once", "weekly", "monthly"] as const).map((f) => ({ value: f, label: t(`autopay.freq.${f}`) }))}
            />
            <TextInput label={t("autopay.start")} value={start} onChange={(e) => setStart(e.currentTarget.value)} />
            {frequency === "monthly" && (
              <TextInput label={t("autopay.day")} value={day} onChange={(e) => setDay(e.currentTarget.value)} inputMode="numeric" />
            )}
            {frequency !== "once" && (
              <TextInput label={t("autopay.count")} value={count} onChange={(e) => setCount(e.currentTarget.value)} inputMode="numeric" />
            )}
            <Select
              label={t("autopay.short")}
              value={onShort}
              onChange={(v) => setOnShort(v === "retry" ? "retry" : "skip")}
              allowDeselect={false}
              data={[
                { value: "skip", label: t("autopay.short.skip") },
                { value: "retry", label: t("autopay.short.retry") },
              ]}
            />
            {error != null && (
              <Alert color="red" role="alert">
                {errorMessage(t, error)}
              </Alert>
            )}
            {created && error == null && (
              <Alert color="green" role="status">
                {t("autopay.created")}
              </Alert>
            )}
            <Button type="submit" loading={busy} disabled={!valid}>
              {t("autopay.create")}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
