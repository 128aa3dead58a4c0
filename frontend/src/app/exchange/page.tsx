"use client";
import Link from "next/link";
import { useState } from "react";
import { Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, Title, Tooltip } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";
import { fxApi, unwrap } from "@/api/client";
import { ExchangeForm } from "@/components/ExchangeForm";
import { PublicShell } from "@/components/PublicShell";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import { formatRate } from "@/lib/money";
import { useSession } from "@/lib/session";
import { useAsync } from "@/lib/useAsync";

const FEATURED = ["USD", "EUR", "CNY", "GBP", "JPY", "CHF", "TRY", "KZT", "INR"];

function RatesBoard() {
  const { t, locale } = useI18n();
  const [base, setBase] = useState("USD");
  const currencies = useAsync(() => unwrap(fxApi.GET("/api/fx/currencies")), []);
  const rates = useAsync(() => unwrap(fxApi.GET("/api/fx/rates/latest", { params: { query: { base } } })), [base]);
  const names = new Map((currencies.data?.items ?? []).map((c) => [c.code, c.name]));
  const codes = Object.keys(rates.data?.rates ?? {}).sort((a, b) => {
    const fa = FEATURED.indexOf(a);
    const fb = FEATURED.indexOf(b);
    return (fa < 0 ? 99 : fa) - (fb < 0 ? 99 : fb) || a.localeCompare(b);
  });
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "long" });

  return (
    <Paper withBorder radius="lg" p="lg">
      <Stack>
        <Group justify="space-between" align="flex-end">
          <Select
            label={t("fx.board.base")}
            data={(currencies.data?.items ?? [{ code: "USD", name: "US Dollar" }]).map((c) => ({ value: c.code, label: `${c.code} — ${c.name}` }))}
            value={base}
            onChange={(v) => v && setBase(v)}
            allowDeselect={false}
            searchable
            w={{ base: "100%", xs: 280 }}
            data-testid="base-select"
          />
          {rates.data && (
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {t("fx.board.date", { date: dateFmt.format(new Date(`${rates.data.date}T00:00:00Z`)) })}
              </Text>
              {rates.data.stale && (
                <Tooltip label={rates.data.fetched_at}>
                  <Badge color="orange" leftSection={<IconAlertTriangle size={12} />} data-testid="stale-badge">
                    {t("fx.board.stale")}
                  </Badge>
                </Tooltip>
              )}
            </Group>
          )}
        </Group>
        <Text size="xs" c="dimmed">
          {t("fx.board.noRub")}
        </Text>
        {rates.error != null ? (
          <ErrorState error={rates.error} onRetry={rates.reload} />
        ) : !rates.data ? (
          <LoadingState />
        ) : (
          <Table.ScrollContainer minWidth={280}>
            <Table striped highlightOnHover verticalSpacing="xs" data-testid="rates-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("fx.board.currency")}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t("fx.board.rate", { base: rates.data.base })}
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {codes.map((code) => (
                  <Table.Tr key={code}>
                    <Table.Td>
                      <Text fw={600} span>
                        {code}
                      </Text>{" "}
                      <Text span size="sm" c="dimmed">
                        {names.get(code)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" className="tabular">
                      {formatRate(String(rates.data!.rates[code]), locale)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Paper>
  );
}

export default function ExchangePage() {
  const { t } = useI18n();
  const { profile, ready } = useSession();
  return (
    <PublicShell>
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={1}>{t("fx.board.title")}</Title>
          <Text c="dimmed">{t("fx.board.lead")}</Text>
        </Stack>
        {ready &&
          (profile?.roles.includes("customer") ? (
            <ExchangeForm />
          ) : (
            <Alert color="bank" variant="light">
              <Group justify="space-between">
                <Text size="sm">{t("fx.exchange.signIn")}</Text>
                <Button component={Link} href="/banking-service/sign-in/?next=/exchange/" size="xs">
                  {t("nav.signIn")}
                </Button>
              </Group>
            </Alert>
          ))}
        <RatesBoard />
      </Stack>
    </PublicShell>
  );
}
