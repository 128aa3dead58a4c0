"use client";
import { Badge, Card, Group, Stack, Table, Text } from "@mantine/core";
import { fxApi, unwrap } from "@/api/client";
import { useAsync } from "@/lib/useAsync";
import { useI18n } from "@/lib/i18n";
import { boardRows, currencyName } from "@/lib/rates";
import { ErrorState, LoadingState } from "./States";

const PAIRS = ["USD", "EUR", "CNY", "GBP"];

/** A few rates in roubles for the landing page (public endpoint, no sign-in), read as "1 $ = 81,86 ₽". */
export function RatesMini() {
  const { t, locale } = useI18n();
  const { data, error, reload } = useAsync(
    () => unwrap(fxApi.GET("/api/fx/rates/latest", { params: { query: { base: "RUB", symbols: PAIRS.join(",") } } })),
    [],
  );
  return (
    <Card radius="lg" padding="lg" shadow="md" aria-labelledby="rates-mini-title">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={700} id="rates-mini-title">
            {t("fx.board.title")}
          </Text>
          {data && (
            <Badge variant="light" color={data.stale ? "orange" : "green"} tt="none">
              {data.stale ? t("fx.board.stale") : t("fx.board.date", { date: new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { day: "numeric", month: "short" }).format(new Date(`${data.date}T00:00:00Z`)) })}
            </Badge>
          )}
        </Group>
        {error ? (
          <ErrorState error={error} onRetry={reload} />
        ) : !data ? (
          <LoadingState />
        ) : (
          <Table verticalSpacing={6}>
            <Table.Tbody>
              {boardRows("RUB", data.rates, data.sources, locale).map((row) => (
                <Table.Tr key={row.code} data-testid="rates-mini-row">
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {currencyName(row.code, locale)}
                    </Text>
                  </Table.Td>
                  <Table.Td ta="right" className="tabular" style={{ whiteSpace: "nowrap" }}>
                    {row.text}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}
