"use client";
import { Suspense } from "react";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Alert, Anchor, Group, Text } from "@mantine/core";
import { PublicShell } from "@/components/PublicShell";
import { AuthCard } from "@/components/AuthCard";
import { SignInForm } from "@/components/SignInForm";
import { useI18n } from "@/lib/i18n";

function safeNext(next: string | null): string | null {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : null;
}

function SignIn() {
  const { t } = useI18n();
  const params = useSearchParams();
  const router = useRouter();
  const next = safeNext(params.get("next"));
  return (
    <AuthCard title={t("auth.signIn.title")}>
      {params.get("expired") && (
        <Alert color="yellow" role="status" data-testid="session-expired">
          {t("auth.signIn.expired")}
        </Alert>
      )}
      <SignInForm
        onSignedIn={(profile) => {
          const staff = profile?.roles.some((r) => r === "employee" || r === "admin") && !profile.roles.includes("customer");
          router.replace(next ?? (staff ? "/office/" : "/lk/"));
        }}
      />
      <Group justify="space-between">
        <Anchor component={Link} href="/banking-service/reset-password/" size="sm">
          {t("auth.signIn.forgot")}
        </Anchor>
        <Text size="sm">
          {t("auth.signIn.noAccount")}{" "}
          <Anchor component={Link} href="/banking-service/sign-up/">
            {t("nav.signUp")}
          </Anchor>
        </Text>
      </Group>
    </AuthCard>
  );
}

export default function SignInPage() {
  return (
    <PublicShell width="sm">
      <Suspense>
        <SignIn />
      </Suspense>
    </PublicShell>
  );
}
