"use client";
import { useCallback, useEffect, useState } from "react";
import { Alert, Stack, Switch, Table, Text } from "@mantine/core";
import { notificationsApi, unwrap } from "@/api/client";
import { PushSwitch } from "@/components/PushSwitch";
import { ErrorState, LoadingState } from "@/components/States";
import type { notifications } from "@/api/generated";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";

type Preferences = notifications.components["schemas"]["Preferences"];
type Channel = "email" | "inbox" | "push";
const CHANNELS: Channel[] = ["email", "inbox", "push"];

/** Web push on this browser, and per kind of notice e-mail, inbox and push on or off; security notices are always on (the switches are locked). */
export function NotificationSettings() {
  const { t } = useI18n();
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    setError(null);
    unwrap(notificationsApi.GET("/api/notifications/preferences")).then(setPrefs, setError);
  }, []);
  useEffect(load, [load]);

  async function toggle(kind: string, channel: Channel, on: boolean) {
    if (!prefs) return;
    setError(null);
    try {
      setPrefs(await unwrap(notificationsApi.PUT("/api/notifications/preferences", { body: { channels: { [kind]: { [channel]: on } } } })));
    } catch (err) {
      setError(err);
    }
  }

  if (!prefs) return error ? <ErrorState error={error} onRetry={load} /> : <LoadingState />;
  const kinds = Object.keys(prefs.channels).sort();
  return (
    <Stack gap="xs" data-testid="notification-settings">
      <Text fw={600}>{t("profile.notifications")}</Text>
      {error ? <Alert color="red">{errorMessage(t, error)}</Alert> : null}
      <PushSwitch />
      <Table verticalSpacing={4}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("profile.notifications.kind")}</Table.Th>
            <Table.Th>{t("profile.notifications.email")}</Table.Th>
            <Table.Th>{t("profile.notifications.inbox")}</Table.Th>
            <Table.Th>{t("profile.notifications.push")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {kinds.map((kind) => {
            const locked = prefs.security_kinds.includes(kind);
            const label = t(`notice.${kind}` as MessageKey);
            return (
              <Table.Tr key={kind}>
                <Table.Td>{label}</Table.Td>
                {CHANNELS.map((channel) => (
                  <Table.Td key={channel}>
                    <Switch
                      checked={prefs.channels[kind][channel]}
                      disabled={locked}
                      aria-label={`${label}: ${t(`profile.notifications.${channel}`)}`}
                      onChange={(e) => void toggle(kind, channel, e.currentTarget.checked)}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed">
        {t("profile.notifications.security")}
      </Text>
    </Stack>
  );
}
