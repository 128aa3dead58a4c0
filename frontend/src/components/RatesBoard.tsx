"use client";
import { useState } from "react";
import { Alert, Button, Group, Paper, Select, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconAlertTriangle, IconChartLine } from "@tabler/icons-react";
import { fxApi, unwrap } from "@/api/client";
import { RateChart } from "./RateChart";
import { ErrorState, LoadingState } from "./States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { ageInDays, boardRows, currencyName, OLD_AFTER_DAYS } from "@/lib/rates";
import { useAsync } from "@/lib/useAsync";

const QUOTES = ["RUB", "USD", "EUR", "CNY"];

function sourceLabel(t: (k: MessageKey) => string, source: string): string {
  const key = `rates.source.${source}` as MessageKey;
  return t(key) === key ? source : t(key);
}

/** One coherent board: what one unit of each currency costs in the chosen currency, its source, the date. */
export function RatesBoard() {
  const { t, locale } = useI18n();
  const [quote, setQuote] = useState("RUB");
  const [chart, setChart] = useState<string | null>("USD");
  const rates = useAsync(() => unwrap(fxApi.GET("/api/fx/rates/latest", { params: { query: { base: quote } } })), [quote]);
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "long", timeZone: "UTC" });
  const data = rates.data;
  const rows = data ? boardRows(quote, data.rates, data.sources, locale) : [];
  const date = data ? dateFmt.format(new Date(`${data.date}T00:00:00Z`)) : "";
  const age = data ? ageInDays(data.date) : 0;
  const chartCode = chart && rows.some((r) => r.code === chart) ? chart : rows[0]?.code;

  return (
    <Paper withBorder radius="lg" p="lg">
      <Stack>
        <Group justify="space-between" align="flex-end">
          <Select
            label={t("rates.quote")}
            data={QUOTES.map((c) => ({ value: c, label: `${c} — ${currencyName(c, locale)}` }))}
            value={quote}
            onChange={(v) => v && setQuote(v)}
            allowDeselect={false}
            w={{ base: "100%", xs: 280 }}
            data-testid="base-select"
          />
          {data && (
            <Text size="sm" c="dimmed" data-testid="rates-date">
              {t("rates.date", { date })}
            </Text>
          )}
        </Group>
        {data?.stale && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle />} data-testid="stale-badge">
            {t("rates.stale", { date })}
          </Alert>
        )}
        {data && !data.stale && age > OLD_AFTER_DAYS && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle />} data-testid="rates-old">
            {t("rates.old", { date, days: OLD_AFTER_DAYS })}
          </Alert>
        )}
        {rates.error != null ? (
          <ErrorState error={rates.error} onRetry={rates.reload} />
        ) : !data ? (
          <LoadingState />
        ) : (
          <Table.ScrollContainer minWidth={320}>
            <Table striped verticalSpacing="xs" data-testid="rates-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t("rates.pair")}</Table.Th>
                  <Table.Th scope="col" ta="right">
                    {t("rates.value")}
                  </Table.Th>
                  <Table.Th scope="col">{t("rates.source")}</Table.Th>
                  <Table.Th scope="col">
                    <VisuallyHidden>{t("rates.showChart")}</VisuallyHidden>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => (
                  <Table.Tr key={row.code} data-testid="rate-row" data-code={row.code}>
                    <Table.Td>
                      <Text fw={600} span>
                        {row.code}
                      </Text>{" "}
                      <Text span size="sm" c="dimmed">
                        {currencyName(row.code, locale)}
                      </Text>
                    </Table.Td>
                    <Table.Td ta="right" className="tabular" style={{ whiteSpace: "nowrap" }}>
                      {row.text}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{sourceLabel(t, row.source)}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant={chartCode === row.code ? "filled" : "subtle"}
                        leftSection={<IconChartLine size={14} aria-hidden />}
                        onClick={() => setChart(row.code)}
                        aria-pressed={chartCode === row.code}
                        aria-label={`${t("rates.showChart")}: ${row.code}/${quote}`}
                      >
                        {t("rates.showChart")}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {chartCode && <RateChart code={chartCode} quote={quote} />}
      </Stack>
    </Paper>
  );
}
