"use client";
import { Suspense, useState } from "react";
import { Button, Collapse, Group, Paper, Stack, Title } from "@mantine/core";
import { IconUserPlus } from "@tabler/icons-react";
import { PublicShell } from "@/components/PublicShell";
import { CreateCustomerForm } from "@/components/office/CreateCustomerForm";
import { CustomerSearch } from "@/components/office/CustomerSearch";
import { OfficeGate } from "@/components/office/OfficeGate";
import { useI18n } from "@/lib/i18n";

function Workspace() {
  const { t } = useI18n();
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="lg" maw={720}>
      <Paper withBorder radius="lg" p="md">
        <CustomerSearch />
      </Paper>
      <Paper withBorder radius="lg" p="md">
        <Group justify="space-between">
          <Title order={2} size="h4">
            {t("office.create.title")}
          </Title>
          <Button variant="light" leftSection={<IconUserPlus size={16} aria-hidden />} onClick={() => setCreating((v) => !v)} aria-expanded={creating}>
            {t("office.create.open")}
          </Button>
        </Group>
        <Collapse expanded={creating}>
          <Stack pt="md">
            <CreateCustomerForm />
          </Stack>
        </Collapse>
      </Paper>
    </Stack>
  );
}

export default function OfficePage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <Workspace />
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
