"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { authApi, unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";

/** The current password (and the one-time code when MFA is on) and a new one twice. The back end keeps this
 * session and signs out every other one; its problems are shown by their codes (each broken rule listed). */
export function PasswordChange({ mfaEnabled, onChanged }: { mfaEnabled: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [totp, setTotp] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mismatch = repeat.length > 0 && next !== repeat;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || mismatch) return;
    setBusy(true);
    setError(null);
    try {
      const body = { current_password: current, new_password: next, totp: mfaEnabled ? totp : null };
      const { ended } = await unwrap(authApi.POST("/api/auth/password/change", { body }));
      notifications.show({ color: "green", message: t("profile.security.changed", { count: ended }) });
      setCurrent("");
      setNext("");
      setRepeat("");
      setTotp("");
      onChanged();
    } catch (err) {
      setError(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack component="form" onSubmit={submit} gap="sm" maw={420} data-testid="password-change" aria-labelledby="password-change-title">
      <Title order={2} size="h4" id="password-change-title">
        {t("profile.security.password")}
      </Title>
      <Text size="sm">{t("profile.security.hint")}</Text>
      <PasswordInput label={t("profile.security.current")} value={current} onChange={(e) => setCurrent(e.currentTarget.value)} autoComplete="current-password" required data-testid="password-current" />
      <PasswordInput label={t("profile.security.new")} value={next} onChange={(e) => setNext(e.currentTarget.value)} autoComplete="new-password" required data-testid="password-new" />
      <PasswordInput
        label={t("profile.security.repeat")}
        value={repeat}
        onChange={(e) => setRepeat(e.currentTarget.value)}
        autoComplete="new-password"
        required
        error={mismatch ? t("profile.security.mismatch") : undefined}
        data-testid="password-repeat"
      />
      {mfaEnabled && <TextInput label={t("auth.totp")} value={totp} onChange={(e) => setTotp(e.currentTarget.value)} inputMode="numeric" autoComplete="one-time-code" maxLength={10} required />}
      {error && (
        <Alert color="red" role="alert" data-testid="password-error">
          {error}
        </Alert>
      )}
      <Button type="submit" loading={busy} disabled={mismatch} w="fit-content" data-testid="password-submit">
        {t("profile.security.change")}
      </Button>
    </Stack>
  );
}
