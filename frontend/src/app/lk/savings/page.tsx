"use client";
import { Paper, Stack, Table, Text, Title } from "@mantine/core";
import { accountsApi, unwrap } from "@/api/client";
import type { accounts } from "@/api/generated";
import { MoneyText } from "@/components/MoneyText";
import { EmptyState, ErrorState, LoadingState } from "@/components/States";
import { myAccounts } from "@/lib/cabinet";
import { useI18n } from "@/lib/i18n";
import { useAsync } from "@/lib/useAsync";

type Interest = accounts.components["schemas"]["InterestOut"];

async function savingsInterest(): Promise<{ number: string; interest: Interest }[]> {
  const mine = (await myAccounts()).filter((a) => a.product_code === "savings" && a.status === "active");
  return Promise.all(
    mine.map(async (a) => ({
      number: a.number,
      interest: await unwrap(accountsApi.GET("/api/accounts/savings/{account_id}/interest", { params: { path: { account_id: a.id } } })),
    })),
  );
}

function percent(rate: string): string {
  return `${(Number(rate) * 100).toFixed(2).replace(/\.?0+$/, "")} %`;
}

export default function Savings() {
  const { t } = useI18n();
  const data = useAsync(savingsInterest, []);
  if (data.error) return <ErrorState error={data.error} onRetry={data.reload} />;
  if (!data.data) return <LoadingState />;
  return (
    <Stack gap="lg" maw={640}>
      <Title order={1} size="h2">
        {t("savings.title")}
      </Title>
      <Text c="dimmed">{t("savings.lead")}</Text>
      {data.data.length === 0 && (
        <EmptyState text={t("savings.empty")} hint={t("states.noSavings")} action={{ label: t("lk.openAccount"), href: "/lk/" }} />
      )}
      {data.data.map(({ number, interest }) => (
        <Paper key={interest.account_id} withBorder radius="md" p="md" data-testid="savings-item">
          <Stack gap="xs">
            <Text fw={600}>··{number.slice(-4)}</Text>
            <Text>
              {t("savings.rate")}: <b>{percent(interest.annual_rate)}</b>
            </Text>
            <Text>
              {t("savings.accrued")}: <MoneyText money={interest.accrued_this_month} fw={600} />
            </Text>
            {interest.capitalized.length > 0 && (
              <Table>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("savings.month")}</Table.Th>
                    <Table.Th>{t("savings.paid")}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {interest.capitalized.map((c) => (
                    <Table.Tr key={c.month}>
                      <Table.Td>{c.month}</Table.Td>
                      <Table.Td>
                        <MoneyText money={c.amount} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Stack>
        </Paper>
      ))}
    </Stack>
  );
}
