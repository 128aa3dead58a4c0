"use client";
import type { ReactNode } from "react";
import { useSearchParams } from "next/navigation";
import { Alert, Button, Group, Stack, Text, Title } from "@mantine/core";
import { AuthCard } from "@/components/AuthCard";
import { SignInForm } from "@/components/SignInForm";
import { LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import { useSession } from "@/lib/session";
import { OfficeNav } from "./OfficeNav";

/** Employee sign-in, the workspace header, and the staff-role check around every back-office screen. */
export function OfficeGate({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { ready, profile, signOut } = useSession();
  const expired = useSearchParams().get("expired");
  if (!ready) return <LoadingState />;
  if (!profile)
    return (
      <AuthCard title={t("office.signIn")}>
        {expired && <Alert color="yellow">{t("auth.signIn.expired")}</Alert>}
        <SignInForm onSignedIn={() => undefined} />
      </AuthCard>
    );
  const staff = profile.roles.some((r) => r === "employee" || r === "admin");
  return (
    <Stack gap="lg" data-testid="office-shell">
      <Group justify="space-between" wrap="wrap">
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
      {staff ? (
        <>
          <OfficeNav admin={profile.roles.includes("admin")} />
          {children}
        </>
      ) : (
        <Alert color="red" role="alert">
          {t("office.notEmployee")}
        </Alert>
      )}
    </Stack>
  );
}
