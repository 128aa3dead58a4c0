"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { Alert, Anchor, Button, PasswordInput, Text, TextInput } from "@mantine/core";
import { IconMailCheck } from "@tabler/icons-react";
import { PublicShell } from "@/components/PublicShell";
import { AuthCard } from "@/components/AuthCard";
import { authApi, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { errorMessage, useI18n } from "@/lib/i18n";

export default function SignUp() {
  const { t } = useI18n();
  const [form, setForm] = useState({ full_name: "", email: "", phone: "", password: "" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (e: { currentTarget: { value: string } }) => setForm({ ...form, [k]: e.currentTarget.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await unwrap(
        authApi.POST("/api/auth/register", {
          body: { full_name: form.full_name.trim(), email: form.email.trim(), password: form.password, phone: form.phone.trim() || null },
        }),
      );
      setDone(form.email.trim());
    } catch (err) {
      if (err instanceof ApiError && err.problem.errors?.length) {
        setFieldErrors(Object.fromEntries(err.problem.errors.map((x) => [x.field.split(".").pop()!, x.message])));
      }
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <PublicShell width="sm">
      <AuthCard title={t("auth.signUp.title")}>
        {done ? (
          <Alert color="green" icon={<IconMailCheck />} role="status" data-testid="signup-done">
            {t("auth.signUp.done", { email: done })}
          </Alert>
        ) : (
          <form onSubmit={submit} noValidate>
            <TextInput label={t("auth.fullName")} required autoComplete="name" value={form.full_name} onChange={set("full_name")} error={fieldErrors.full_name} mb="sm" />
            <TextInput label={t("auth.email")} type="email" required autoComplete="email" value={form.email} onChange={set("email")} error={fieldErrors.email} mb="sm" />
            <TextInput label={t("auth.phone")} type="tel" autoComplete="tel" placeholder="+7 900 123-45-67" description={t("auth.phoneHint")} value={form.phone} onChange={set("phone")} error={fieldErrors.phone} mb="sm" />
            <PasswordInput visibilityToggleButtonProps={{ "aria-label": t("auth.showPassword") }} label={t("auth.password")} required autoComplete="new-password" description={t("auth.passwordHint")} value={form.password} onChange={set("password")} error={fieldErrors.password} mb="md" />
            {error != null && (
              <Alert color="red" mb="md" role="alert">
                {errorMessage(t, error)}
              </Alert>
            )}
            <Button type="submit" fullWidth loading={busy}>
              {t("auth.signUp.submit")}
            </Button>
            <Text size="xs" c="dimmed" mt="xs">
              {t("auth.signUp.terms")}
            </Text>
          </form>
        )}
        <Text size="sm">
          {t("auth.signUp.haveAccount")}{" "}
          <Anchor component={Link} href="/banking-service/sign-in/">
            {t("nav.signIn")}
          </Anchor>
        </Text>
      </AuthCard>
    </PublicShell>
  );
}
