"use client";
import { Stack, Title } from "@mantine/core";
import { ExchangeForm } from "@/components/ExchangeForm";
import { useI18n } from "@/lib/i18n";

export default function LkExchange() {
  const { t } = useI18n();
  return (
    <Stack gap="lg" maw={720}>
      <Title order={1} size="h2">
        {t("fx.exchange.title")}
      </Title>
      <ExchangeForm />
    </Stack>
  );
}
