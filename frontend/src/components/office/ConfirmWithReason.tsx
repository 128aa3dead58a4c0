"use client";
import { useState, type ReactNode } from "react";
import { Alert, Button, Group, Modal, Stack, Textarea } from "@mantine/core";
import { errorMessage, useI18n } from "@/lib/i18n";

export const REASON_MIN = 3;
export const REASON_MAX = 500;

type Props = {
  opened: boolean;
  title: string;
  /** What the action does, in words (amount, account, customer). */
  children?: ReactNode;
  confirmLabel: string;
  /** Red for destructive actions, the bank colour for money-moving ones. */
  color?: string;
  onClose: () => void;
  /** Runs with the trimmed reason; a thrown problem is shown in the dialog, which stays open. */
  onConfirm: (reason: string) => Promise<void>;
  testId?: string;
};

/** The one confirm dialog of the back office: every destructive or money-moving action asks for a reason
 * (3–500 characters, it goes into the audit log) and says what will happen before it happens. */
export function ConfirmWithReason({ opened, title, children, confirmLabel, color = "bank", onClose, onConfirm, testId = "confirm-reason" }: Props) {
  const { t } = useI18n();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const trimmed = reason.trim();
  const invalid = trimmed.length < REASON_MIN;

  function close() {
    if (busy) return;
    setReason("");
    setTouched(false);
    setProblem(null);
    onClose();
  }

  async function confirm() {
    setTouched(true);
    if (invalid || busy) return;
    setBusy(true);
    setProblem(null);
    try {
      await onConfirm(trimmed);
      setReason("");
      setTouched(false);
    } catch (err) {
      setProblem(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={close} title={title} centered closeButtonProps={{ "aria-label": t("common.close") }}>
      <Stack data-testid={testId}>
        {children}
        <Textarea
          label={t("office.reason.label")}
          description={t("office.reason.hint")}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          onBlur={() => setTouched(true)}
          maxLength={REASON_MAX}
          rows={3}
          required
          error={touched && invalid ? t("office.reason.tooShort") : undefined}
          data-testid={`${testId}-text`}
        />
        {problem && (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>
            {t("common.cancel")}
          </Button>
          <Button color={color} onClick={confirm} loading={busy} data-testid={`${testId}-submit`}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
