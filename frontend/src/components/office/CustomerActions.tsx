"use client";
import { useState } from "react";
import { Alert, Button, Stack, Text } from "@mantine/core";
import { newIdempotencyKey, unwrap } from "@/api/client";
import { MoneyText } from "@/components/MoneyText";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatAccountNumber } from "@/lib/money";
import { officeApi, type OfficeAccount, type OfficeCard, type OfficeCustomer } from "./api";
import { ConfirmWithReason } from "./ConfirmWithReason";

type Props = { label: MessageKey; title: MessageKey; done: MessageKey; color?: string; testId: string; act: (reason: string) => Promise<unknown>; onDone: () => void; children?: React.ReactNode };

/** A button that opens the confirm-with-reason dialog, runs the action, and says it is done (a refusal stays
 * in the dialog, in words). */
function ConfirmedAction({ label, title, done, color = "bank", testId, act, onDone, children }: Props) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [ok, setOk] = useState(false);
  return (
    <Stack gap={4} align="flex-start">
      <Button size="xs" variant={color.startsWith("red") ? "default" : "light"} color={color} onClick={() => { setOk(false); setOpen(true); }} data-testid={testId}>
        {t(label)}
      </Button>
      {ok && (
        <Alert color="green" role="status" py={6} data-testid={`${testId}-done`}>
          {t(done)}
        </Alert>
      )}
      <ConfirmWithReason
        opened={open}
        title={t(title)}
        confirmLabel={t(label)}
        color={color}
        onClose={() => setOpen(false)}
        onConfirm={async (reason) => {
          await act(reason);
          setOpen(false);
          setOk(true);
          onDone();
        }}
        testId={`${testId}-confirm`}
      >
        {children}
      </ConfirmWithReason>
    </Stack>
  );
}

export function CardBlockAction({ card, onDone }: { card: OfficeCard; onDone: () => void }) {
  const blocked = card.status === "blocked";
  const path = { params: { path: { card_id: card.id } } };
  return (
    <ConfirmedAction
      label={blocked ? "office.card.unblock" : "office.card.block"}
      title={blocked ? "office.cardAction.unblockTitle" : "office.cardAction.blockTitle"}
      done={blocked ? "office.card.unblocked" : "office.card.blocked"}
      color={blocked ? "bank" : "red.9"}
      testId={blocked ? "card-unblock" : "card-block"}
      act={(reason) =>
        unwrap(blocked ? officeApi.POST("/api/office/cards/{card_id}/unblock", { ...path, body: { reason } }) : officeApi.POST("/api/office/cards/{card_id}/block", { ...path, body: { reason } }))
      }
      onDone={onDone}
    >
      <Text className="tabular" ff="monospace">
        {card.pan_masked} · {card.expiry}
      </Text>
    </ConfirmedAction>
  );
}

export function IssueCardAction({ account, onDone }: { account: OfficeAccount; onDone: () => void }) {
  const { t } = useI18n();
  // One key per attempt: kept for retries of the same dialog, replaced after a success.
  const [key, setKey] = useState(newIdempotencyKey);
  return (
    <ConfirmedAction
      label="office.card.issue"
      title="office.cardAction.issueTitle"
      done="office.card.issued"
      testId="card-issue"
      act={async () => {
        await unwrap(officeApi.POST("/api/office/accounts/{account_id}/cards", { params: { path: { account_id: account.id }, header: { "Idempotency-Key": key } } }));
        setKey(newIdempotencyKey());
      }}
      onDone={onDone}
    >
      <Text>{t("office.cardAction.issueNote", { account: formatAccountNumber(account.number) })}</Text>
    </ConfirmedAction>
  );
}

export function CloseAccountAction({ account, onDone }: { account: OfficeAccount; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <ConfirmedAction
      label="office.close.open"
      title="office.close.title"
      done="office.close.done"
      color="red.9"
      testId="account-close"
      act={(reason) => unwrap(officeApi.POST("/api/office/accounts/{account_id}/close", { params: { path: { account_id: account.id } }, body: { reason } }))}
      onDone={onDone}
    >
      <Stack gap={4}>
        <Text className="tabular">{formatAccountNumber(account.number)}</Text>
        <MoneyText money={account.balance} fw={700} />
        <Text size="sm" c="dimmed">
          {t("office.close.rules")}
        </Text>
      </Stack>
    </ConfirmedAction>
  );
}

export function CustomerBlockAction({ customer, onDone }: { customer: OfficeCustomer; onDone: () => void }) {
  const { t } = useI18n();
  const blocked = customer.status === "disabled";
  const path = { params: { path: { customer_id: customer.id } } };
  return (
    <ConfirmedAction
      label={blocked ? "office.customerAction.unblock" : "office.customerAction.block"}
      title={blocked ? "office.customerAction.unblock" : "office.customerAction.block"}
      done={blocked ? "office.customerAction.unblocked" : "office.customerAction.blocked"}
      color={blocked ? "bank" : "red.9"}
      testId={blocked ? "customer-unblock" : "customer-block"}
      act={(reason) =>
        unwrap(
          blocked
            ? officeApi.POST("/api/office/customers/{customer_id}/unblock", { ...path, body: { reason } })
            : officeApi.POST("/api/office/customers/{customer_id}/block", { ...path, body: { reason } }),
        )
      }
      onDone={onDone}
    >
      <Stack gap={4}>
        <Text fw={600}>{customer.full_name}</Text>
        <Text size="sm" c="dimmed">
          {t(blocked ? "office.customerAction.unblockNote" : "office.customerAction.blockNote")}
        </Text>
      </Stack>
    </ConfirmedAction>
  );
}
