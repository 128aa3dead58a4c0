"use client";
import type { ReactNode } from "react";
import { Alert, Button, Group } from "@mantine/core";
import { useI18n } from "@/lib/i18n";

/** The end of a customer's dialog: its problem (if any) as an alert, then «Отмена» and the dialog's own action. */
export function DialogFooter({ error, errorTestId, onCancel, children }: { error?: string | null; errorTestId?: string; onCancel: () => void; children: ReactNode }) {
  const { t } = useI18n();
  return (
    <>
      {error && (
        <Alert color="red" variant="light" role="alert" data-testid={errorTestId}>
          {error}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          {t("common.cancel")}
        </Button>
        {children}
      </Group>
    </>
  );
}
