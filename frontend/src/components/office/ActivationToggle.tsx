"use client";
import { Button } from "@mantine/core";

export type Activation = "deactivate" | "reactivate";

/** The row action of a back-office directory entry that is switched off and back on (employees, ЖКХ providers):
 * «deactivate» (red) while it is active, «reactivate» otherwise; the page opens its ConfirmWithReason for the kind. */
export function ActivationToggle({ active, labels, onToggle, testId }: { active: boolean; labels: Record<Activation, string>; onToggle: (kind: Activation) => void; testId: (kind: Activation) => string }) {
  const kind: Activation = active ? "deactivate" : "reactivate";
  return (
    <Button size="xs" variant="light" color={active ? "red" : "green"} onClick={() => onToggle(kind)} data-testid={testId(kind)}>
      {labels[kind]}
    </Button>
  );
}
