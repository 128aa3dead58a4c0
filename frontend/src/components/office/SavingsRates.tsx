"use client";
import { useState } from "react";
import { Alert, Badge, Button, Group, Paper, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { accountsApi, unwrap } from "@/api/client";
import type { accounts } from "@/api/generated";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import { fractionToPercent, percentToFraction } from "@/lib/ratePercent";
import { useSession } from "@/lib/session";
import { useAsync } from "@/lib/useAsync";
import { ConfirmWithReason } from "./ConfirmWithReason";

type Rate = accounts.components["schemas"]["RateOut"];

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/** Per product: the rate in effect today and the ones scheduled after it. */
function byProduct(items: Rate[]): { product: string; current: Rate | undefined; scheduled: Rate[] }[] {
  const products = [...new Set(items.map((r) => r.product_code))].sort();
  const now = today();
  return products.map((product) => {
    const mine = items.filter((r) => r.product_code === product).sort((a, b) => a.effective_from.localeCompare(b.effective_from));
    return { product, current: mine.filter((r) => r.effective_from <= now).pop(), scheduled: mine.filter((r) => r.effective_from > now) };
  });
}

function SetRate({ products, onSaved }: { products: string[]; onSaved: () => void }) {
  const { t } = useI18n();
  const [product, setProduct] = useState(products[0] ?? "savings");
  const [percent, setPercent] = useState("");
  const [from, setFrom] = useState(tomorrow);
  const [touched, setTouched] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [saved, setSaved] = useState(false);
  const fraction = percentToFraction(percent);
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(from);

  function ask() {
    setTouched(true);
    setSaved(false);
    if (fraction !== null && dateOk) setConfirming(true);
  }

  async function save(reason: string) {
    if (fraction === null) return;
    await unwrap(accountsApi.POST("/api/accounts/savings/rates", { body: { product_code: product, annual_rate: fraction, effective_from: from, reason } }));
    setConfirming(false);
    setSaved(true);
    setPercent("");
    setTouched(false);
    onSaved();
  }

  return (
    <Paper withBorder radius="lg" p="md">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t("office.savings.set")}
        </Title>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput label={t("office.savings.product")} value={product} onChange={(e) => setProduct(e.currentTarget.value)} data-testid="savings-rate-product" />
          <TextInput
            label={t("office.savings.rate")}
            inputMode="decimal"
            value={percent}
            onChange={(e) => setPercent(e.currentTarget.value)}
            error={touched && fraction === null ? t("office.savings.badRate") : undefined}
            data-testid="savings-rate-percent"
          />
          <TextInput
            label={t("office.savings.from")}
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            error={touched && !dateOk ? t("office.savings.badDate") : undefined}
            data-testid="savings-rate-from"
          />
        </SimpleGrid>
        <Group>
          <Button onClick={ask} data-testid="savings-rate-set">
            {t("office.savings.set")}
          </Button>
        </Group>
        {saved && (
          <Alert color="green" role="status" py={6}>
            {t("office.savings.saved")}
          </Alert>
        )}
      </Stack>
      <ConfirmWithReason opened={confirming} title={t("office.savings.confirmTitle")} confirmLabel={t("office.savings.set")} onClose={() => setConfirming(false)} onConfirm={save}>
        <Text size="sm">{t("office.savings.confirmText", { product, rate: fraction === null ? percent : fractionToPercent(fraction), date: from })}</Text>
      </ConfirmWithReason>
    </Paper>
  );
}

/** The savings rates section (admins): per product the rate in effect and the scheduled ones, a form to set a new
 * rate from a future date, and the history. */
export function SavingsRates() {
  const { t } = useI18n();
  const { profile } = useSession();
  const rates = useAsync(() => unwrap(accountsApi.GET("/api/accounts/savings/rates")), []);
  if (!profile?.roles.includes("admin"))
    return (
      <Alert color="yellow" role="alert">
        {t("office.savings.adminOnly")}
      </Alert>
    );
  if (rates.error && !rates.data) return <ErrorState error={rates.error} onRetry={rates.reload} />;
  if (!rates.data) return <LoadingState />;
  const groups = byProduct(rates.data.items);
  const history = [...rates.data.items].sort((a, b) => b.effective_from.localeCompare(a.effective_from) || a.product_code.localeCompare(b.product_code));
  return (
    <Stack gap="md" maw={860} data-testid="office-savings">
      <Title order={2} size="h3">
        {t("office.savings.title")}
      </Title>
      <Text c="dimmed">{t("office.savings.lead")}</Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {groups.map((g) => (
          <Paper key={g.product} withBorder radius="lg" p="md" data-testid="savings-product" data-product={g.product}>
            <Stack gap={4}>
              <Text fw={600}>{g.product}</Text>
              <Text size="sm">
                {t("office.savings.current")}:{" "}
                <Text component="span" fw={700} data-testid="savings-current">
                  {g.current ? `${fractionToPercent(g.current.annual_rate)} %` : "—"}
                </Text>
              </Text>
              {g.scheduled.map((r) => (
                <Group key={r.effective_from} gap="xs" data-testid="savings-scheduled">
                  <Badge variant="light">{t("office.savings.scheduled")}</Badge>
                  <Text size="sm">
                    {fractionToPercent(r.annual_rate)} % · {r.effective_from}
                  </Text>
                </Group>
              ))}
            </Stack>
          </Paper>
        ))}
      </SimpleGrid>
      <SetRate products={groups.map((g) => g.product)} onSaved={rates.reload} />
      <Paper withBorder radius="lg" p="md">
        <Title order={3} size="h5" mb="xs">
          {t("office.savings.history")}
        </Title>
        <Table data-testid="savings-history">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("office.savings.product")}</Table.Th>
              <Table.Th>{t("office.savings.from")}</Table.Th>
              <Table.Th>{t("office.savings.rate")}</Table.Th>
              <Table.Th>{t("office.savings.setBy")}</Table.Th>
              <Table.Th>{t("office.savings.reason")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.map((r) => (
              <Table.Tr key={`${r.product_code}-${r.effective_from}`}>
                <Table.Td>{r.product_code}</Table.Td>
                <Table.Td className="tabular">{r.effective_from}</Table.Td>
                <Table.Td className="tabular">{fractionToPercent(r.annual_rate)}</Table.Td>
                <Table.Td>
                  <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                    {r.set_by}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">{r.reason ?? ""}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
