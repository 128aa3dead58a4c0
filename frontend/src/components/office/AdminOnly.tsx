"use client";
import type { ReactNode } from "react";
import { Alert } from "@mantine/core";
import { useI18n } from "@/lib/i18n";
import { useSession } from "@/lib/session";

/** An admin-only back-office screen (inside OfficeGate): an employee who opens its address sees why not; the
 * API refuses them anyway. */
export function AdminOnly({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { profile } = useSession();
  if (!profile?.roles.includes("admin"))
    return (
      <Alert color="red" role="alert" data-testid="admin-only">
        {t("office.adminOnly")}
      </Alert>
    );
  return <>{children}</>;
}
