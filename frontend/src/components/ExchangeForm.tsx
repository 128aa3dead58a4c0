"use client";
import { useEffect, useRef, useState } from "react";
import { Alert, Button, Group, Paper, Progress, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconArrowsExchange, IconCircleCheck } from "@tabler/icons-react";
import { callJson, newIdempotencyKey } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { Account, Quote } from "@/api/models";
import { AccountSelect } from "./AccountSelect";
import { MoneyText } from "./MoneyText";
import { EmptyState, ErrorState, LoadingState, NotAvailable } from "./States";
import { myAccounts } from "@/lib/cabinet";
import { exponentOf } from "@/lib/currency";
import { exchangeRateText } from "@/lib/history";
import { errorMessage, useI18n } from "@/lib/i18n";
import { parseAmountInput } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";

/** A quote with the moment it expires on this clock (from its expires_at), for the countdown. */
export function liveQuote(quote: Quote, now = Date.now()): Quote & { expiresAtMs: number; ttlMs: number } {
  const parsed = Date.parse(quote.expires_at);
  const expiresAtMs = Number.isFinite(parsed) ? parsed : now + 30_000;
  return { ...quote, expiresAtMs, ttlMs: Math.max(1000, expiresAtMs - now) };
}

type LiveQuote = ReturnType<typeof liveQuote>;

export function ExchangeForm() {
  const { t, locale } = useI18n();
  const accounts = useAsync(myAccounts, []);
  const active: Account[] = (accounts.data ?? []).filter((a) => a.status === "active");
  const [fromId, setFromId] = useState<string | null>(null);
  const [toId, setToId] = useState<string | null>(null);
  const [amount, setAmount] = useState("");
  const [quote, setQuote] = useState<LiveQuote | null>(null);
  const [now, setNow] = useState(Date.now());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<LiveQuote | null>(null);
  const keyRef = useRef<string>(newIdempotencyKey());
  const inFlight = useRef(false);

  const from = active.find((a) => a.id === fromId) ?? active[0];
  const targets = active.filter((a) => from && a.currency !== from.currency);
  const to = targets.find((a) => a.id === toId) ?? targets[0];
  const parsed = from ? parseAmountInput(amount, exponentOf(from.currency)) : null;

  useEffect(() => {
    if (!quote) return;
    const timer = window.setInterval(() => setNow(Date.now()), 250);
    return () => window.clearInterval(timer);
  }, [quote]);
  useEffect(() => setQuote(null), [fromId, toId, amount]);

  const remainingMs = quote ? Math.max(0, quote.expiresAtMs - now) : 0;
  const expired = !!quote && remainingMs === 0;

  async function getQuote(e?: { preventDefault(): void }) {
    e?.preventDefault();
    if (!from || !to || !parsed || busy) return;
    setBusy(true);
    setError(null);
    try {
      const raw = await callJson<Quote>("POST", "/api/fx/quotes", {
        from_account_id: from.id,
        to_account_id: to.id,
        amount: parsed,
        currency: from.currency,
      });
      setQuote(liveQuote(raw));
      setNow(Date.now());
      keyRef.current = newIdempotencyKey(); // one key per quote, reused if the confirmation is retried
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (!quote || expired || inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      await callJson("POST", "/api/fx/exchange", { quote_id: quote.id }, { "Idempotency-Key": keyRef.current });
      setDone(quote);
      setQuote(null);
      accounts.reload();
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && err.code === "quote_expired") setQuote(null);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  if (accounts.error) return <ErrorState error={accounts.error} onRetry={accounts.reload} />;
  if (!accounts.data) return <LoadingState />;
  if (active.length === 0) return <EmptyState text={t("states.noAccountsToPay")} action={{ label: t("lk.openAccount"), href: "/lk/" }} />;
  if (new Set(active.map((a) => a.currency)).size < 2) return <Alert color="gray">{t("fx.exchange.needTwo")}</Alert>;

  return (
    <Paper withBorder radius="lg" p="lg" data-testid="exchange-form">
      <Stack>
        <Title order={2} size="h4">
          {t("fx.exchange.title")}
        </Title>
        {done && (
          <Alert color="green" icon={<IconCircleCheck />} data-testid="exchange-done" withCloseButton onClose={() => setDone(null)}>
            {t("fx.exchange.done")}: <MoneyText money={done.sell} /> → <MoneyText money={done.buy} />
          </Alert>
        )}
        <form onSubmit={getQuote} noValidate>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <AccountSelect label={t("fx.exchange.from")} accounts={active} value={from?.id ?? null} onChange={setFromId} testId="fx-from" />
              <AccountSelect label={t("fx.exchange.to")} accounts={targets} value={to?.id ?? null} onChange={setToId} testId="fx-to" />
            </SimpleGrid>
            <TextInput
              label={t("fx.exchange.amount")}
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              rightSection={<Text size="sm">{from?.currency}</Text>}
              data-testid="fx-amount"
            />
            {!quote && (
              <Button type="submit" variant="light" loading={busy} disabled={!parsed || !to} leftSection={<IconArrowsExchange size={18} />}>
                {t("fx.exchange.quote")}
              </Button>
            )}
          </Stack>
        </form>
        {quote && (
          <Paper bg="bank.0" p="md" radius="md" data-testid="quote">
            <Stack gap="xs">
              <Group justify="space-between">
                <Text size="sm">{t("fx.exchange.rate")}</Text>
                <Text fw={600} className="tabular">
                  {exchangeRateText(quote.sell, quote.buy, quote.rate, locale)}
                </Text>
              </Group>
              <Group justify="space-between">
                <Text size="sm">{t("fx.exchange.youPay")}</Text>
                <MoneyText money={quote.sell} fw={600} />
              </Group>
              <Group justify="space-between">
                <Text size="sm">{t("fx.exchange.youGet")}</Text>
                <MoneyText money={quote.buy} fw={700} c="green.9" />
              </Group>
              <Progress value={(remainingMs / quote.ttlMs) * 100} size="sm" color={remainingMs < 10_000 ? "orange" : "bank"} aria-hidden />
              <Text size="xs" c={expired ? "red.8" : "dimmed"} role="timer" aria-live="off" data-testid="quote-countdown">
                {expired ? t("fx.exchange.expired") : t("fx.exchange.expires", { seconds: Math.ceil(remainingMs / 1000) })}
              </Text>
              {expired ? (
                <Button variant="light" onClick={() => getQuote()} loading={busy}>
                  {t("fx.exchange.quote")}
                </Button>
              ) : (
                <Button onClick={confirm} loading={busy} data-testid="fx-confirm">
                  {t("fx.exchange.confirm")}
                </Button>
              )}
            </Stack>
          </Paper>
        )}
        {error != null &&
          (error instanceof ApiError && error.endpointMissing ? (
            <NotAvailable what={t("fx.exchange.title")} />
          ) : (
            <Alert color="red" role="alert">
              {errorMessage(t, error)}
            </Alert>
          ))}
      </Stack>
    </Paper>
  );
}
