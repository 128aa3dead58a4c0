"use client";
import { useEffect, useState } from "react";
import QRCode from "qrcode";
import { Alert, Badge, Button, Code, Group, Image, PinInput, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { authApi, unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";

type Setup = { secret: string; otpauth_uri: string };

/** MFA set-up: the otpauth URI drawn as a QR code in the browser (the secret never leaves the page). */
export function MfaSetup({ enabled, onChanged }: { enabled: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const [setup, setSetup] = useState<Setup | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [disabling, setDisabling] = useState(false);

  useEffect(() => {
    if (!setup) return setQr(null);
    QRCode.toDataURL(setup.otpauth_uri, { margin: 1, width: 200, errorCorrectionLevel: "M" }).then(setQr, () => setQr(null));
  }, [setup]);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const start = () => run(async () => setSetup(await unwrap(authApi.POST("/api/auth/mfa/setup"))));
  const confirm = () =>
    run(async () => {
      await unwrap(authApi.POST("/api/auth/mfa/confirm", { body: { code } }));
      setSetup(null);
      setCode("");
      notifications.show({ color: "green", message: t("profile.mfa.enabled") });
      onChanged();
    });
  const disable = () =>
    run(async () => {
      await unwrap(authApi.POST("/api/auth/mfa/disable", { body: { code } }));
      setDisabling(false);
      setCode("");
      notifications.show({ message: t("profile.mfa.disabled") });
      onChanged();
    });

  const codeInput = (
    <Stack gap={4}>
      <Text component="label" htmlFor="mfa-code" size="sm" fw={500}>
        {t("auth.totp")}
      </Text>
      <PinInput id="mfa-code" length={6} type="number" oneTimeCode value={code} onChange={setCode} getInputProps={(i) => ({ "aria-label": `${t("auth.totp")}, ${i + 1}` })} />
    </Stack>
  );

  return (
    <Stack gap="sm" data-testid="mfa">
      <Group gap="xs">
        <Text fw={600}>{t("profile.mfa")}</Text>
        <Badge color={enabled ? "green" : "gray"}>{enabled ? t("profile.mfa.on") : t("profile.mfa.off")}</Badge>
      </Group>
      {!enabled && !setup && (
        <Button onClick={start} loading={busy} w="fit-content">
          {t("profile.mfa.setup")}
        </Button>
      )}
      {setup && (
        <Stack gap="sm">
          <Text size="sm">{t("profile.mfa.scan")}</Text>
          {qr && <Image src={qr} alt={t("profile.mfa.qrAlt")} w={200} h={200} radius="sm" data-testid="mfa-qr" />}
          <Code data-testid="mfa-secret" style={{ wordBreak: "break-all" }}>
            {setup.secret}
          </Code>
          {codeInput}
          <Button onClick={confirm} loading={busy} disabled={code.length !== 6} w="fit-content">
            {t("profile.mfa.confirm")}
          </Button>
        </Stack>
      )}
      {enabled &&
        (disabling ? (
          <Stack gap="sm">
            {codeInput}
            <Group>
              <Button color="red" onClick={disable} loading={busy} disabled={code.length !== 6}>
                {t("profile.mfa.disable")}
              </Button>
              <Button variant="default" onClick={() => setDisabling(false)}>
                {t("common.cancel")}
              </Button>
            </Group>
          </Stack>
        ) : (
          <Button variant="default" onClick={() => setDisabling(true)} w="fit-content">
            {t("profile.mfa.disable")}
          </Button>
        ))}
      {error != null && (
        <Alert color="red" role="alert">
          {errorMessage(t, error)}
        </Alert>
      )}
    </Stack>
  );
}
