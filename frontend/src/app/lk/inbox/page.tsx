"use client";
import { useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { Anchor, Badge, Button, Group, Paper, Stack, Switch, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { notificationsApi, unwrap } from "@/api/client";
import type { notifications as api } from "@/api/generated";
import { EmptyNote } from "@/components/EmptyNote";
import { ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";

type Item = api.components["schemas"]["InboxItem"];
const PAGE = 20;

export default function InboxPage() {
  const { t, locale } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<Item[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "medium", timeStyle: "short" });

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await unwrap(notificationsApi.GET("/api/notifications/inbox", { params: { query: { limit: PAGE, cursor: from ?? undefined, unread_only: unreadOnly } } }));
        setItems((prev) => (from ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor ?? null);
      } catch (err) {
        setError(err);
      } finally {
        setLoading(false);
      }
    },
    [unreadOnly],
  );
  useEffect(() => {
    load(null);
  }, [load]);

  async function markRead(item: Item) {
    try {
      const updated = await unwrap(notificationsApi.POST("/api/notifications/inbox/{item_id}/read", { params: { path: { item_id: item.id } } }));
      setItems((prev) => prev.map((x) => (x.id === item.id ? updated : x)));
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(t, err) });
    }
  }

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Title order={1} size="h2">
          {t("inbox.title")}
        </Title>
        <Anchor component={Link} href="/lk/profile/#notifications" size="sm">
          {t("inbox.settings")}
        </Anchor>
      </Group>
      <Switch label={t("inbox.unreadOnly")} checked={unreadOnly} onChange={(e) => setUnreadOnly(e.currentTarget.checked)} data-testid="unread-only" />
      {error != null && <ErrorState error={error} onRetry={() => load(null)} />}
      {!loading && error == null && items.length === 0 && <EmptyNote text={t("inbox.empty")} />}
      <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
        {items.map((item) => (
          <Paper component="li" key={item.id} withBorder radius="md" p="md" data-testid="inbox-item" data-read={item.read ? "1" : "0"}>
            <Group justify="space-between" align="flex-start" wrap="nowrap">
              <Stack gap={4} style={{ minWidth: 0 }}>
                <Group gap="xs">
                  <Text fw={item.read ? 500 : 700}>{item.title}</Text>
                  {!item.read && (
                    <Badge size="sm" color="bank" variant="filled">
                      {t("inbox.unread")}
                    </Badge>
                  )}
                </Group>
                <Text size="sm">{item.body}</Text>
                <Text size="xs" c="dimmed">
                  {dateFmt.format(new Date(item.created_at))}
                </Text>
              </Stack>
              {!item.read && (
                <Button size="xs" variant="light" onClick={() => markRead(item)} aria-label={`${t("inbox.markRead")}: ${item.title}`}>
                  {t("inbox.markRead")}
                </Button>
              )}
            </Group>
          </Paper>
        ))}
      </Stack>
      {loading && <LoadingState />}
      {cursor && !loading && (
        <Button variant="default" onClick={() => load(cursor)}>
          {t("common.more")}
        </Button>
      )}
    </Stack>
  );
}
