"use client";
import { Suspense, useState, type FormEvent } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Alert, Button, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { PublicShell } from "@/components/PublicShell";
import { AuthCard } from "@/components/AuthCard";
import { authApi, unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";

function Reset() {
  const { t } = useI18n();
  const token = useSearchParams().get("token");
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if (token) await unwrap(authApi.POST("/api/auth/password/reset", { body: { token, password: value } }));
      else await unwrap(authApi.POST("/api/auth/password/forgot", { body: { email: value.trim() } }));
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  if (done)
    return (
      <AuthCard title={t("auth.reset.title")}>
        <Alert color="green" role="status">
          {token ? t("auth.reset.done") : t("auth.reset.sent")}
        </Alert>
        <Button component={Link} href="/banking-service/sign-in/">
          {t("nav.signIn")}
        </Button>
      </AuthCard>
    );

  return (
    <AuthCard title={t("auth.reset.title")}>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          {token ? (
            <PasswordInput visibilityToggleButtonProps={{ "aria-label": t("auth.showPassword") }} label={t("auth.reset.newPassword")} description={t("auth.passwordHint")} required autoComplete="new-password" value={value} onChange={(e) => setValue(e.currentTarget.value)} />
          ) : (
            <>
              <Text size="sm">{t("auth.reset.lead")}</Text>
              <TextInput label={t("auth.email")} type="email" required autoComplete="email" value={value} onChange={(e) => setValue(e.currentTarget.value)} />
            </>
          )}
          {error != null && (
            <Alert color="red" role="alert">
              {errorMessage(t, error)}
            </Alert>
          )}
          <Button type="submit" loading={busy}>
            {token ? t("auth.reset.submit") : t("auth.reset.send")}
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}

export default function ResetPage() {
  return (
    <PublicShell width="sm">
      <Suspense>
        <Reset />
      </Suspense>
    </PublicShell>
  );
}
