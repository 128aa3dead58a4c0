"use client";
import Link from "next/link";
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { ExchangeForm } from "@/components/ExchangeForm";
import { PublicShell } from "@/components/PublicShell";
import { RatesBoard } from "@/components/RatesBoard";
import { useI18n } from "@/lib/i18n";
import { useSession } from "@/lib/session";

export default function ExchangePage() {
  const { t } = useI18n();
  const { profile, ready } = useSession();
  return (
    <PublicShell>
      <Stack gap="lg">
        <Stack gap={4}>
          <Title order={1}>{t("rates.title")}</Title>
          <Text c="dimmed">{t("rates.lead")}</Text>
        </Stack>
        {ready &&
          (profile?.roles.includes("customer") ? (
            <ExchangeForm />
          ) : (
            <Alert color="bank" variant="light">
              <Group justify="space-between">
                <Text size="sm">{t("fx.exchange.signIn")}</Text>
                <Button component={Link} href="/banking-service/sign-in/?next=/exchange/" size="xs">
                  {t("nav.signIn")}
                </Button>
              </Group>
            </Alert>
          ))}
        <RatesBoard />
      </Stack>
    </PublicShell>
  );
}
