"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { ActionIcon, Indicator } from "@mantine/core";
import { IconBell } from "@tabler/icons-react";
import { notificationsApi, unwrap } from "@/api/client";
import { useI18n } from "@/lib/i18n";
import { useAsync } from "@/lib/useAsync";

/** The bell in the cabinet's header: the inbox's unread count, refreshed on every page change. */
export function InboxBell() {
  const { t } = useI18n();
  const pathname = usePathname();
  const count = useAsync(() => unwrap(notificationsApi.GET("/api/notifications/inbox/unread-count")).then((d) => d.unread), [pathname]);
  const unread = count.data ?? 0;
  return (
    <Indicator label={unread > 99 ? "99+" : unread} size={18} color="red.8" disabled={unread === 0} offset={4} data-testid="inbox-bell">
      <ActionIcon
        component={Link}
        href="/lk/inbox/"
        variant="subtle"
        color="gray.8"
        size="lg"
        aria-label={unread ? t("inbox.bellUnread", { count: unread }) : t("inbox.bell")}
      >
        <IconBell size={20} aria-hidden />
      </ActionIcon>
    </Indicator>
  );
}
