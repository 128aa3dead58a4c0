"use client";
import { Suspense } from "react";
import { useSearchParams } from "next/navigation";
import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text, ThemeIcon, Title } from "@mantine/core";
import { IconBriefcase, IconCash, IconUsers } from "@tabler/icons-react";
import { AuthCard } from "@/components/AuthCard";
import { PublicShell } from "@/components/PublicShell";
import { SignInForm } from "@/components/SignInForm";
import { LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import { useSession } from "@/lib/session";

function Office() {
  const { t } = useI18n();
  const { ready, profile, signOut } = useSession();
  const expired = useSearchParams().get("expired");
  if (!ready) return <LoadingState />;
  const staff = profile?.roles.some((r) => r === "employee" || r === "admin");
  if (!profile)
    return (
      <AuthCard title={t("office.signIn")}>
        {expired && <Alert color="yellow">{t("auth.signIn.expired")}</Alert>}
        <SignInForm onSignedIn={() => undefined} />
      </AuthCard>
    );
  return (
    <Stack gap="lg" data-testid="office-shell">
      <Group justify="space-between">
        <Stack gap={0}>
          <Title order={1} size="h2">
            {t("office.title")}
          </Title>
          <Text c="dimmed">
            {profile.full_name} · {profile.roles.join(", ")}
          </Text>
        </Stack>
        <Button variant="default" onClick={() => signOut("/office/")}>
          {t("nav.signOut")}
        </Button>
      </Group>
      {!staff ? (
        <Alert color="red" role="alert">
          {t("office.notEmployee")}
        </Alert>
      ) : (
        <>
          <Alert color="bank" variant="light">
            {t("office.placeholder")}
          </Alert>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            {[IconUsers, IconBriefcase, IconCash].map((Icon, i) => (
              <Paper key={i} withBorder p="lg" radius="lg" opacity={0.6} aria-disabled>
                <ThemeIcon variant="light" size="lg" aria-hidden>
                  <Icon size={20} />
                </ThemeIcon>
                <Text mt="sm" c="dimmed">
                  {t("common.notAvailable")}
                </Text>
              </Paper>
            ))}
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}

export default function OfficePage() {
  return (
    <PublicShell>
      <Suspense>
        <Office />
      </Suspense>
    </PublicShell>
  );
}
