"use client";
import { useState } from "react";
import { SegmentedControl, Stack, Text } from "@mantine/core";
import { fxApi, unwrap } from "@/api/client";
import { ErrorState, LoadingState } from "./States";
import { useI18n } from "@/lib/i18n";
import { chartPoints, formatUnits } from "@/lib/rates";
import { useAsync } from "@/lib/useAsync";

const W = 600;
const H = 180;

/** One unit of `code` in `quote` over 30, 90 or 365 days: an SVG line, its range and dates in words. */
export function RateChart({ code, quote }: { code: string; quote: string }) {
  const { t, locale } = useI18n();
  const [days, setDays] = useState("30");
  const history = useAsync(() => unwrap(fxApi.GET("/api/fx/rates/history", { params: { query: { base: code, quote, days: Number(days) } } })), [code, quote, days]);
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeZone: "UTC" });
  const points = history.data?.points ?? [];
  const values = points.map((p) => Number(p.rate));
  const pair = `${code}/${quote}`;
  const summary =
    values.length > 0
      ? `${t("rates.history", { pair })}: ${dateFmt.format(new Date(`${points[0].date}T00:00:00Z`))} — ${dateFmt.format(new Date(`${points[points.length - 1].date}T00:00:00Z`))}; ${t("rates.historyRange", { min: formatUnits(Math.min(...values), quote, locale), max: formatUnits(Math.max(...values), quote, locale) })}`
      : "";
  return (
    <Stack gap="xs" data-testid="rate-chart">
      <Text fw={600}>{t("rates.history", { pair })}</Text>
      <SegmentedControl
        value={days}
        onChange={setDays}
        data={["30", "90", "365"].map((d) => ({ value: d, label: t("rates.historyDays", { days: d }) }))}
        w="fit-content"
        aria-label={t("rates.history", { pair })}
      />
      {history.error != null ? (
        <ErrorState error={history.error} onRetry={history.reload} />
      ) : history.loading && !history.data ? (
        <LoadingState />
      ) : values.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("rates.historyEmpty")}
        </Text>
      ) : values.length === 1 ? (
        <Text size="sm" data-testid="chart-summary">
          {t("rates.historyOne", { date: dateFmt.format(new Date(`${points[0].date}T00:00:00Z`)), value: formatUnits(values[0], quote, locale) })}
        </Text>
      ) : (
        <>
          <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={summary} style={{ maxWidth: W, background: "var(--mantine-color-gray-0)", borderRadius: 8 }}>
            <polyline points={chartPoints(values, W, H, 12)} fill="none" stroke="var(--mantine-color-bank-7)" strokeWidth={2.5} strokeLinejoin="round" />
          </svg>
          <Text size="sm" c="dimmed" data-testid="chart-summary">
            {summary}
          </Text>
        </>
      )}
    </Stack>
  );
}
