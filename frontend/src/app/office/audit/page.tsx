"use client";
import { Suspense } from "react";
import { Paper, Stack, Title } from "@mantine/core";
import { PublicShell } from "@/components/PublicShell";
import { AdminOnly } from "@/components/office/AdminOnly";
import { AuditLogViewer } from "@/components/office/AuditLogViewer";
import { OfficeGate } from "@/components/office/OfficeGate";
import { useI18n } from "@/lib/i18n";

function Audit() {
  const { t } = useI18n();
  return (
    <Paper withBorder radius="lg" p="md">
      <Stack>
        <Title order={2} size="h4">
          {t("office.audit.title")}
        </Title>
        <AuditLogViewer />
      </Stack>
    </Paper>
  );
}

export default function AuditPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <AdminOnly>
            <Audit />
          </AdminOnly>
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
