"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, PasswordInput, PinInput, Stack, Text, TextInput } from "@mantine/core";
import { authApi, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import { errorMessage, useI18n } from "@/lib/i18n";
import { useSession, type Profile } from "@/lib/session";
import { savedLanguage } from "./LanguageSwitch";

/** E-mail + password, then (only when the account has MFA on) a one-time code step. */
export function SignInForm({ onSignedIn }: { onSignedIn: (profile: Profile | null) => void }) {
  const { t, setLocale } = useI18n();
  const { signIn } = useSession();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [totp, setTotp] = useState("");
  const [needTotp, setNeedTotp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const tokens = await unwrap(
        authApi.POST("/api/auth/login", { body: { email: email.trim(), password, totp: needTotp ? totp : null } }),
      );
      const me = await signIn(tokens);
      const language = await savedLanguage();
      if (language) setLocale(language);
      onSignedIn(me);
    } catch (err) {
      if (err instanceof ApiError && err.code === "mfa_required") {
        setNeedTotp(true);
      } else if (err instanceof ApiError && err.code === "invalid_mfa_code") {
        setTotp("");
        setError(t("auth.signIn.badTotp"));
      } else if (err instanceof ApiError && err.code === "invalid_credentials") {
        setError(t("auth.signIn.bad"));
      } else if (err instanceof ApiError && err.code === "account_not_active") {
        setError(t("auth.signIn.inactive"));
      } else if (err instanceof ApiError && err.status === 429 && !err.problem.retry_after) {
        setError(t("auth.signIn.locked"));
      } else {
        setError(errorMessage(t, err));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {!needTotp ? (
          <>
            <TextInput label={t("auth.email")} type="email" required autoComplete="username" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
            <PasswordInput visibilityToggleButtonProps={{ "aria-label": t("auth.showPassword") }} label={t("auth.password")} required autoComplete="current-password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
          </>
        ) : (
          <Stack gap={6}>
            <Text size="sm">{t("auth.signIn.totpStep")}</Text>
            <Text component="label" htmlFor="totp" size="sm" fw={500}>
              {t("auth.totp")}
            </Text>
            <PinInput
              id="totp"
              length={6}
              type="number"
              oneTimeCode
              autoFocus
              value={totp}
              onChange={setTotp}
              onComplete={() => undefined}
              getInputProps={(i) => ({ "aria-label": `${t("auth.totp")}, ${i + 1}` })}
            />
          </Stack>
        )}
        {error && (
          <Alert color="red" role="alert">
            {error}
          </Alert>
        )}
        <Button type="submit" loading={busy} fullWidth disabled={needTotp && totp.length !== 6}>
          {t("auth.signIn.submit")}
        </Button>
      </Stack>
    </form>
  );
}
