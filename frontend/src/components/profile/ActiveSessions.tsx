"use client";
import { useCallback, useEffect, useState } from "react";
import { Badge, Button, Group, Modal, Paper, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { authApi, unwrap } from "@/api/client";
import type { auth } from "@/api/generated";
import { errorMessage, useI18n } from "@/lib/i18n";
import { ErrorState, LoadingState } from "@/components/States";

type Session = auth.components["schemas"]["SessionView"];
type Pending = { kind: "one"; session: Session } | { kind: "others" };

/** The person's live sessions (this one marked), each with "sign out", and "sign out all other sessions";
 * both after a confirm dialog. A signed-out device's next call is refused and it shows the sign-in. */
export function ActiveSessions({ reloadKey }: { reloadKey: number }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<Session[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const when = (iso: string) =>
    new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
  const clientOf = (s: Session) => s.client ?? t("profile.sessions.unknownClient");

  const load = useCallback(async () => {
    try {
      setItems((await unwrap(authApi.GET("/api/auth/sessions"))).items);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    try {
      if (pending.kind === "one") {
        await unwrap(authApi.DELETE("/api/auth/sessions/{session_id}", { params: { path: { session_id: pending.session.id } } }));
        notifications.show({ color: "green", message: t("profile.sessions.ended") });
      } else {
        const { ended } = await unwrap(authApi.POST("/api/auth/sessions/revoke-others"));
        notifications.show({ color: "green", message: t("profile.sessions.endedOthers", { count: ended }) });
      }
      setPending(null);
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(t, err) });
      setPending(null);
    } finally {
      setBusy(false);
      void load();
    }
  }

  const others = (items ?? []).filter((s) => !s.current);
  return (
    <Stack gap="sm" data-testid="sessions" aria-labelledby="sessions-title" component="section">
      <Title order={2} size="h4" id="sessions-title">
        {t("profile.sessions.title")}
      </Title>
      {error != null && <ErrorState error={error} onRetry={() => void load()} />}
      {items === null && error == null && <LoadingState />}
      <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
        {(items ?? []).map((s) => (
          <Paper component="li" key={s.id} withBorder radius="md" p="sm" data-testid="session-row" data-current={s.current ? "true" : "false"}>
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Stack gap={2}>
                <Group gap="xs">
                  <Text fw={600}>{clientOf(s)}</Text>
                  {s.current && <Badge color="green.9">{t("profile.sessions.current")}</Badge>}
                </Group>
                <Text size="sm">{t("profile.sessions.started", { when: when(s.created_at) })}</Text>
                <Text size="sm">{t("profile.sessions.lastUsed", { when: when(s.last_used_at) })}</Text>
                {s.ip_prefix && <Text size="sm">{t("profile.sessions.network", { prefix: s.ip_prefix })}</Text>}
              </Stack>
              {!s.current && (
                <Button size="xs" variant="default" c="red.9" onClick={() => setPending({ kind: "one", session: s })} data-testid="session-sign-out" aria-label={`${t("profile.sessions.signOut")}: ${clientOf(s)}`}>
                  {t("profile.sessions.signOut")}
                </Button>
              )}
            </Group>
          </Paper>
        ))}
      </Stack>
      {items && others.length === 0 && <Text size="sm">{t("profile.sessions.onlyThis")}</Text>}
      {others.length > 0 && (
        <Button variant="default" c="red.9" w="fit-content" onClick={() => setPending({ kind: "others" })} data-testid="sessions-sign-out-others">
          {t("profile.sessions.signOutOthers")}
        </Button>
      )}
      <Modal
        opened={pending !== null}
        onClose={() => setPending(null)}
        title={pending?.kind === "one" ? t("profile.sessions.signOut") : t("profile.sessions.signOutOthers")}
        centered
        closeButtonProps={{ "aria-label": t("common.close") }}
      >
        <Stack>
          <Text size="sm">
            {pending?.kind === "one" ? t("profile.sessions.confirmOne", { client: clientOf(pending.session) }) : t("profile.sessions.confirmOthers")}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPending(null)}>
              {t("common.cancel")}
            </Button>
            <Button color="red.9" onClick={confirm} loading={busy} data-testid="session-confirm">
              {t("common.confirm")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
