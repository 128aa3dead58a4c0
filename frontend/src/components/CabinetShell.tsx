"use client";
import { useEffect, type ReactNode } from "react";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { AppShell, Avatar, Burger, Button, Group, NavLink, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowsExchange, IconBell, IconBookmark, IconBulb, IconCalendarRepeat, IconChartLine, IconFileText, IconHistory, IconHome, IconLogout, IconPigMoney, IconSend, IconUser } from "@tabler/icons-react";
import { InboxBell } from "./InboxBell";
import { Logo } from "./Logo";
import { LanguageSwitch } from "./LanguageSwitch";
import { LoadingState } from "./States";
import { useI18n } from "@/lib/i18n";
import { SIGN_IN, useSession } from "@/lib/session";

const LINKS = [
  { href: "/lk/", key: "nav.dashboard", icon: IconHome },
  { href: "/lk/transfer/", key: "nav.transfer", icon: IconSend },
  { href: "/lk/exchange/", key: "nav.fxExchange", icon: IconArrowsExchange },
  { href: "/lk/utilities/", key: "nav.utilities", icon: IconBulb },
  { href: "/lk/history/", key: "nav.history", icon: IconHistory },
  { href: "/lk/contracts/", key: "nav.contracts", icon: IconFileText },
  { href: "/lk/inbox/", key: "nav.inbox", icon: IconBell },
  { href: "/lk/autopay/", key: "nav.autopay", icon: IconCalendarRepeat },
  { href: "/lk/templates/", key: "nav.templates", icon: IconBookmark },
  { href: "/lk/savings/", key: "nav.savings", icon: IconPigMoney },
  { href: "/exchange/", key: "nav.exchange", icon: IconChartLine },
  { href: "/lk/profile/", key: "nav.profile", icon: IconUser },
] as const;

/** The menu item of the page: its own path or any page under it (an account's page is the overview's). */
export function isCurrent(pathname: string, href: string): boolean {
  const path = pathname.endsWith("/") ? pathname : `${pathname}/`;
  if (href === "/lk/") return path === "/lk/" || path.startsWith("/lk/account/");
  return path.startsWith(href);
}

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join("");
}

/** The customer cabinet: a session is required; without one the person is sent to sign-in. */
export function CabinetShell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { ready, leaving, expired, tokens, profile, signOut } = useSession();
  const router = useRouter();
  const pathname = usePathname();
  const [opened, { toggle, close }] = useDisclosure();

  useEffect(() => {
    if (ready && !tokens && !leaving) {
      const here = window.location.pathname + window.location.search;
      router.replace(`${SIGN_IN}?${expired ? "expired=1&" : ""}next=${encodeURIComponent(here)}`);
    }
  }, [ready, tokens, leaving, expired, router]);
  useEffect(close, [pathname, close]);

  if (!ready || !tokens || !profile) return <LoadingState />;

  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("nav.menu")} />
            <Logo href="/lk/" />
          </Group>
          <Group gap="sm" wrap="nowrap">
            <InboxBell />
            <LanguageSwitch />
            <Avatar color="bank" radius="xl" size="sm" aria-hidden visibleFrom="xs">
              {initials(profile.full_name)}
            </Avatar>
            <Text size="sm" visibleFrom="md" data-testid="user-name">
              {profile.full_name}
            </Text>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" aria-label={t("nav.menu")}>
        <Stack justify="space-between" h="100%">
          <nav>
            {LINKS.map(({ href, key, icon: Icon }) => (
              <NavLink
                key={href}
                component={Link}
                href={href}
                label={t(key)}
                leftSection={<Icon size={18} aria-hidden />}
                active={isCurrent(pathname, href)}
                aria-current={isCurrent(pathname, href) ? "page" : undefined}
              />
            ))}
          </nav>
          <Button variant="subtle" color="gray" leftSection={<IconLogout size={18} />} onClick={() => signOut()} justify="flex-start">
            {t("nav.signOut")}
          </Button>
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main bg="gray.0" id="main">
        <div style={{ maxWidth: 1040, margin: "0 auto" }}>{children}</div>
      </AppShell.Main>
    </AppShell>
  );
}
