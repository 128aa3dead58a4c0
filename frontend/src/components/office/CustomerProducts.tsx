"use client";
import { useState } from "react";
import { Alert, Badge, Button, Card, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { unwrap } from "@/api/client";
import { MoneyText } from "@/components/MoneyText";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatAccountNumber, formatMoney } from "@/lib/money";
import { useAsync } from "@/lib/useAsync";
import { officeApi, type OfficeStandingOrder, type OfficeTemplate } from "./api";
import { ConfirmWithReason } from "./ConfirmWithReason";

const RUN_COLORS: Record<OfficeStandingOrder["runs"][number]["status"], string> = {
  pending: "gray.8", paid: "green.9", skipped: "orange.9", failed: "red.9",
};

function OrderCard({ order, onChanged }: { order: OfficeStandingOrder; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(false);
  const active = order.status === "active";

  async function cancel(reason: string) {
    await unwrap(officeApi.POST("/api/office/standing-orders/{order_id}/cancel", { params: { path: { order_id: order.id } }, body: { reason } }));
    setConfirming(false);
    setDone(true);
    onChanged();
  }

  return (
    <Card withBorder radius="md" padding="sm" data-testid="office-standing-order" data-order-id={order.id} data-status={order.status}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Stack gap={0}>
            <Text fw={600}>{order.name}</Text>
            <Text size="sm" c="dimmed">
              {t(`autopay.freq.${order.frequency}` as MessageKey)} ·{" "}
              {order.next_due ? t("office.products.next", { date: order.next_due }) : t("office.products.noNext")}
            </Text>
          </Stack>
          <Group gap="xs">
            <MoneyText money={order.amount} fw={600} />
            <Badge variant="light" color={active ? "bank" : "gray"}>
              {t(`autopay.status.${order.status}` as MessageKey)}
            </Badge>
          </Group>
        </Group>
        <Text size="sm" fw={500}>
          {t("office.products.runs")}
        </Text>
        {order.runs.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("office.products.noRuns")}
          </Text>
        ) : (
          <Table data-testid="office-order-runs">
            <Table.Tbody>
              {order.runs.map((run) => (
                <Table.Tr key={run.seq}>
                  <Table.Td className="tabular">{run.due_date}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color={RUN_COLORS[run.status]}>
                      {t(`office.products.run.${run.status}` as MessageKey)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {run.problem_code ?? ""}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {done && (
          <Alert color="green" role="status" py={6}>
            {t("office.products.cancelled")}
          </Alert>
        )}
        {active && (
          <Group>
            <Button size="xs" color="red" variant="light" onClick={() => setConfirming(true)} data-testid="office-order-cancel">
              {t("office.products.cancel")}
            </Button>
          </Group>
        )}
      </Stack>
      <ConfirmWithReason
        opened={confirming}
        title={t("office.products.cancelTitle")}
        confirmLabel={t("office.products.cancel")}
        color="red.8"
        onClose={() => setConfirming(false)}
        onConfirm={cancel}
      >
        <Text size="sm">{t("office.products.cancelText", { name: order.name, amount: formatMoney(order.amount, locale) })}</Text>
      </ConfirmWithReason>
    </Card>
  );
}

function recipient(t: (k: MessageKey, v?: Record<string, string>) => string, tpl: OfficeTemplate): string {
  if (tpl.kind === "transfer") return t("office.products.recipientAccount", { number: formatAccountNumber(tpl.to_account_number ?? "") });
  if (tpl.kind === "p2p_phone") return t("office.products.recipientPhone", { phone: tpl.to_phone ?? "" });
  return t("office.products.recipientUtility", { account: tpl.payer_account ?? "" });
}

function Templates({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const list = useAsync(
    () => unwrap(officeApi.GET("/api/office/customers/{customer_id}/templates", { params: { path: { customer_id: customerId } } })),
    [customerId],
  );
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <LoadingState />;
  if (list.data.items.length === 0)
    return (
      <Text size="sm" c="dimmed">
        {t("office.products.noTemplates")}
      </Text>
    );
  return (
    <Table data-testid="office-templates">
      <Table.Tbody>
        {list.data.items.map((tpl) => (
          <Table.Tr key={tpl.id}>
            <Table.Td>
              <Text size="sm" fw={500}>
                {tpl.name}
              </Text>
              <Text size="xs" c="dimmed">
                {recipient(t, tpl)}
              </Text>
            </Table.Td>
            <Table.Td ta="right">{tpl.amount ? <MoneyText money={tpl.amount} /> : <Text size="sm" c="dimmed">{t("office.products.anyAmount")}</Text>}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** A customer's standing orders (next date, status, latest runs; cancel with a reason) and payment templates
 * (read-only), on the back office's customer card. */
export function CustomerProducts({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const orders = useAsync(
    () => unwrap(officeApi.GET("/api/office/customers/{customer_id}/standing-orders", { params: { path: { customer_id: customerId } } })),
    [customerId],
  );
  return (
    <Paper withBorder radius="lg" p="md" data-testid="office-products">
      <Stack gap="sm">
        <Title order={3} size="h5">
          {t("office.products.orders")}
        </Title>
        {orders.error != null && <ErrorState error={orders.error} onRetry={orders.reload} />}
        {!orders.data && orders.error == null && <LoadingState />}
        {orders.data?.items.length === 0 && (
          <Text size="sm" c="dimmed">
            {t("office.products.noOrders")}
          </Text>
        )}
        {orders.data?.items.map((o) => <OrderCard key={o.id} order={o} onChanged={orders.reload} />)}
        <Title order={3} size="h5">
          {t("office.products.templates")}
        </Title>
        <Templates customerId={customerId} />
      </Stack>
    </Paper>
  );
}
