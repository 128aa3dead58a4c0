"use client";
import type { ReactNode } from "react";
import Link from "next/link";
import { Alert, Button, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { IconCircleCheck } from "@tabler/icons-react";
import { MoneyText } from "@/components/MoneyText";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { Money } from "@/lib/money";

/** What the customer is about to confirm (and, once paid, what the receipt shows). */
export type Review = {
  fromAccountNumber: string;
  recipientName: string | null;
  recipientAccount: string;
  amount: Money;
  fee: Money;
  total: Money;
  message: string;
};

export type Receipt = { review: Review; operationId: string; at: Date };

export function Rows({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <Table variant="vertical" withTableBorder={false} layout="fixed">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w="45%" fw={400} c="gray.8">
              {label}
            </Table.Th>
            <Table.Td style={{ overflowWrap: "anywhere" }}>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function reviewRows(t: ReturnType<typeof useI18n>["t"], review: Review): [string, ReactNode][] {
  const rows: [string, ReactNode][] = [
    [t("pay.recipient"), <span data-testid="recipient-name">{review.recipientName ?? t("pay.recipientUnknown")}</span>],
    [t("pay.recipientAccount"), review.recipientAccount],
    [t("pay.from"), review.fromAccountNumber],
    [t("pay.amount"), <MoneyText money={review.amount} fw={700} />],
    [t("pay.fee"), <MoneyText money={review.fee} />],
    [t("pay.total"), <MoneyText money={review.total} fw={700} />],
  ];
  return review.message ? [...rows, [t("pay.message"), review.message]] : rows;
}

export function ConfirmStep({ review, busy, error, onConfirm, onEdit }: { review: Review; busy: boolean; error: unknown; onConfirm: () => void; onEdit: () => void }) {
  const { t } = useI18n();
  return (
    <Paper withBorder radius="lg" p="lg" data-testid="transfer-confirm">
      <Stack>
        <Title order={2} size="h4">
          {t("pay.confirmTitle")}
        </Title>
        <Rows rows={reviewRows(t, review)} />
        {error != null && (
          <Alert color="red" role="alert" data-testid="transfer-error">
            {errorMessage(t, error)}
          </Alert>
        )}
        <Group>
          <Button size="md" loading={busy} onClick={onConfirm} data-testid="pay">
            {busy ? t("transfer.paying") : t("pay.confirm")}
          </Button>
          <Button size="md" variant="default" onClick={onEdit} disabled={busy}>
            {t("pay.edit")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function ReceiptStep({ receipt, onAnother, onRepeat, extra }: { receipt: Receipt; onAnother: () => void; onRepeat: () => void; extra?: ReactNode }) {
  const { t, locale } = useI18n();
  const when = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "medium" }).format(receipt.at);
  return (
    <Paper withBorder radius="lg" p="lg" data-testid="transfer-done">
      <Stack>
        <Group gap="xs">
          <IconCircleCheck color="var(--mantine-color-green-8)" aria-hidden />
          <Title order={2} size="h4">
            {t("transfer.done")}
          </Title>
        </Group>
        <Text fw={600}>{t("pay.receiptTitle")}</Text>
        <Rows
          rows={[
            [t("pay.status"), t("pay.statusDone")],
            [t("pay.when"), when],
            [t("pay.operation"), <span data-testid="operation-id">{receipt.operationId}</span>],
            ...reviewRows(t, receipt.review),
          ]}
        />
        <Group>
          <Button onClick={onAnother}>{t("transfer.another")}</Button>
          <Button variant="default" onClick={onRepeat} data-testid="repeat">
            {t("pay.repeat")}
          </Button>
          {extra}
          <Button component={Link} href="/lk/" variant="default">
            {t("nav.dashboard")}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
