"use client";
import { useState } from "react";
import Link from "next/link";
import { Anchor, Button, Divider, Group, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconLogout } from "@tabler/icons-react";
import { MfaSetup } from "@/components/MfaSetup";
import { NotificationSettings } from "@/components/NotificationSettings";
import { useI18n } from "@/lib/i18n";
import { roleLabel } from "@/lib/labels";
import { useSession } from "@/lib/session";
import { LanguageSwitch } from "@/components/LanguageSwitch";
import { ActiveSessions } from "@/components/profile/ActiveSessions";
import { PasswordChange } from "@/components/profile/PasswordChange";

export default function ProfilePage() {
  const { t, locale } = useI18n();
  const { profile, reloadProfile, signOut } = useSession();
  const [sessionsKey, setSessionsKey] = useState(0);
  if (!profile) return null;
  const rows: [string, string][] = [
    [t("auth.fullName"), profile.full_name],
    [t("auth.email"), profile.email],
    [t("auth.phone"), profile.phone ?? "—"],
    [t("profile.roles"), profile.roles.map((r) => roleLabel(t, r)).join(", ")],
    [t("profile.since"), new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "long" }).format(new Date(profile.created_at))],
  ];
  return (
    <Stack gap="lg" maw={640}>
      <Title order={1} size="h2">
        {t("profile.title")}
      </Title>
      <Paper withBorder radius="lg" p="lg">
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" component="dl" m={0}>
          {rows.map(([k, v]) => (
            <div key={k}>
              <Text component="dt" size="xs" c="dimmed">
                {k}
              </Text>
              <Text component="dd" m={0}>
                {v}
              </Text>
            </div>
          ))}
        </SimpleGrid>
        <Divider my="md" />
        <Stack gap={4}>
          <Text fw={600}>{t("profile.language")}</Text>
          <Text size="sm">{t("profile.language.hint")}</Text>
          <LanguageSwitch />
        </Stack>
        <Divider my="md" />
        <div id="mfa">
          <MfaSetup enabled={profile.mfa_enabled} onChanged={reloadProfile} />
        </div>
        <Divider my="md" />
        <div id="notifications">
          <NotificationSettings />
        </div>
      </Paper>
      <Paper withBorder radius="lg" p="lg">
        <PasswordChange mfaEnabled={profile.mfa_enabled} onChanged={() => setSessionsKey((k) => k + 1)} />
      </Paper>
      <Paper withBorder radius="lg" p="lg">
        <ActiveSessions reloadKey={sessionsKey} />
      </Paper>
      <Paper withBorder radius="lg" p="lg" component="nav" aria-label={t("profile.links")}>
        <Group gap="lg">
          <Anchor component={Link} href="/lk/inbox/">
            {t("nav.inbox")}
          </Anchor>
          <Anchor component={Link} href="#notifications">
            {t("profile.notifSettings")}
          </Anchor>
          <Anchor component={Link} href="#mfa">
            {t("profile.mfaLink")}
          </Anchor>
          <Anchor component={Link} href="/lk/contracts/">
            {t("nav.contracts")}
          </Anchor>
          <Anchor component={Link} href="/lk/history/">
            {t("nav.history")}
          </Anchor>
        </Group>
      </Paper>
      <Button variant="default" color="red" leftSection={<IconLogout size={18} />} onClick={() => signOut()} w="fit-content" data-testid="sign-out">
        {t("nav.signOut")}
      </Button>
    </Stack>
  );
}
