"use client";
import { Suspense, useEffect, useRef, useState, type FormEvent } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Alert, Button, Group, Loader, Stack, Text, TextInput } from "@mantine/core";
import { IconCircleCheck } from "@tabler/icons-react";
import { PublicShell } from "@/components/PublicShell";
import { AuthCard } from "@/components/AuthCard";
import { authApi, unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";

function Activate() {
  const { t } = useI18n();
  const token = useSearchParams().get("token");
  const [state, setState] = useState<"working" | "ok" | "fail" | "none">(token ? "working" : "none");
  const [error, setError] = useState<unknown>(null);
  const [email, setEmail] = useState("");
  const [resent, setResent] = useState(false);
  const started = useRef(false);

  useEffect(() => {
    if (!token || started.current) return; // the token is single-use: post it once even in StrictMode
    started.current = true;
    unwrap(authApi.POST("/api/auth/activate", { body: { token } }))
      .then(() => setState("ok"))
      .catch((e) => {
        setError(e);
        setState("fail");
      });
  }, [token]);

  async function resend(e: FormEvent) {
    e.preventDefault();
    await authApi.POST("/api/auth/activation/resend", { body: { email } }).catch(() => undefined);
    setResent(true);
  }

  return (
    <AuthCard title={t("auth.activate.title")}>
      {state === "working" && (
        <Group role="status">
          <Loader size="sm" />
          <Text>{t("auth.activate.progress")}</Text>
        </Group>
      )}
      {state === "ok" && (
        <Stack>
          <Alert color="green" icon={<IconCircleCheck />} data-testid="activated">
            {t("auth.activate.ok")}
          </Alert>
          <Button component={Link} href="/banking-service/sign-in/">
            {t("nav.signIn")}
          </Button>
        </Stack>
      )}
      {(state === "fail" || state === "none") && (
        <Stack>
          <Alert color="red" role="alert">
            {state === "none" ? t("auth.activate.noToken") : `${t("auth.activate.fail")} ${error ? errorMessage(t, error) : ""}`}
          </Alert>
          {resent ? (
            <Alert color="blue">{t("auth.activate.resent")}</Alert>
          ) : (
            <form onSubmit={resend}>
              <TextInput label={t("auth.email")} type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} mb="sm" />
              <Button type="submit" variant="light">
                {t("auth.activate.resend")}
              </Button>
            </form>
          )}
        </Stack>
      )}
    </AuthCard>
  );
}

export default function ActivatePage() {
  return (
    <PublicShell width="sm">
      <Suspense>
        <Activate />
      </Suspense>
    </PublicShell>
  );
}
