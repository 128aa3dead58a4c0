"use client";
import Link from "next/link";
import { Box, Button, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconArrowsExchange, IconSend, IconShieldLock } from "@tabler/icons-react";
import { PublicShell } from "@/components/PublicShell";
import { RatesMini } from "@/components/RatesMini";
import { useI18n } from "@/lib/i18n";

export default function Landing() {
  const { t } = useI18n();
  const features = [
    { icon: IconSend, title: t("landing.f1.title"), text: t("landing.f1.text") },
    { icon: IconArrowsExchange, title: t("landing.f2.title"), text: t("landing.f2.text") },
    { icon: IconShieldLock, title: t("landing.f3.title"), text: t("landing.f3.text") },
  ];
  return (
    <PublicShell>
      <Stack gap="xl">
        <Box className="hero" p={{ base: "lg", sm: 48 }}>
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xl">
            <Stack gap="md" justify="center">
              <Title order={1} fz={{ base: 30, sm: 42 }} lh={1.15}>
                {t("landing.title")}
              </Title>
              <Text size="lg" c="bank.0">
                {t("landing.lead")}
              </Text>
              <Group>
                <Button component={Link} href="/banking-service/sign-up/" size="md" color="white" c="bank.8" variant="filled">
                  {t("landing.cta")}
                </Button>
                <Button component={Link} href="/exchange/" size="md" variant="outline" color="white">
                  {t("landing.rates")}
                </Button>
              </Group>
            </Stack>
            <RatesMini />
          </SimpleGrid>
        </Box>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          {features.map(({ icon: Icon, title, text }) => (
            <Card key={title} withBorder padding="lg">
              <ThemeIcon size={42} radius="md" variant="light" mb="sm" aria-hidden>
                <Icon size={24} />
              </ThemeIcon>
              <Title order={3} size="h4" mb={4}>
                {title}
              </Title>
              <Text size="sm" c="dimmed">
                {text}
              </Text>
            </Card>
          ))}
        </SimpleGrid>
      </Stack>
    </PublicShell>
  );
}
