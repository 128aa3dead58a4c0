"use client";
import { Suspense, useState } from "react";
import { Button, Collapse, Group, Paper, Stack, Title } from "@mantine/core";
import { IconUserPlus } from "@tabler/icons-react";
import { PublicShell } from "@/components/PublicShell";
import { AdminOnly } from "@/components/office/AdminOnly";
import { CreateEmployeeForm } from "@/components/office/CreateEmployeeForm";
import { EmployeesAdmin } from "@/components/office/EmployeesAdmin";
import { OfficeGate } from "@/components/office/OfficeGate";
import { useI18n } from "@/lib/i18n";

function Employees() {
  const { t } = useI18n();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState(0);
  return (
    <Stack gap="lg">
      <Paper withBorder radius="lg" p="md">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t("office.staff.title")}
          </Title>
          <Button variant="light" leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setCreating((v) => !v)} aria-expanded={creating} data-testid="employee-create-open">
            {t("office.staff.create.open")}
          </Button>
        </Group>
        <Collapse expanded={creating}>
          <Stack pt="md" maw={520}>
            <Title order={3} size="h5">
              {t("office.staff.create.title")}
            </Title>
            <CreateEmployeeForm onCreated={() => setCreated((n) => n + 1)} />
          </Stack>
        </Collapse>
      </Paper>
      <Paper withBorder radius="lg" p="md">
        <EmployeesAdmin refresh={created} />
      </Paper>
    </Stack>
  );
}

export default function EmployeesPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <AdminOnly>
            <Employees />
          </AdminOnly>
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
