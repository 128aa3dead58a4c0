"use client";
import type { ReactNode } from "react";
import Link from "next/link";
import { Anchor, Box, Button, Container, Group, Text } from "@mantine/core";
import { Logo } from "./Logo";
import { LanguageSwitch } from "./LanguageSwitch";
import { useI18n } from "@/lib/i18n";
import { useSession } from "@/lib/session";

export function PublicShell({ children, width = "lg" }: { children: ReactNode; width?: "sm" | "md" | "lg" }) {
  const { t } = useI18n();
  const { profile } = useSession();
  return (
    <Box style={{ minHeight: "100vh", display: "flex", flexDirection: "column" }} bg="gray.0">
      <a href="#main" className="skip-link">
        {t("nav.home")}
      </a>
      <Box component="header" bg="white" style={{ borderBottom: "1px solid var(--mantine-color-gray-3)" }}>
        <Container size="lg" py="sm">
          <Group justify="space-between" wrap="nowrap">
            <Logo />
            <Group gap="sm" wrap="nowrap" component="nav" aria-label={t("nav.menu")}>
              <Anchor component={Link} href="/exchange/" size="sm" visibleFrom="sm">
                {t("nav.exchange")}
              </Anchor>
              <LanguageSwitch />
              {profile ? (
                <Button component={Link} href={profile.roles.includes("customer") ? "/lk/" : "/office/"} size="sm">
                  {t("nav.lk")}
                </Button>
              ) : (
                <Button component={Link} href="/banking-service/sign-in/" size="sm" variant="filled">
                  {t("nav.signIn")}
                </Button>
              )}
            </Group>
          </Group>
        </Container>
      </Box>
      <Container size={width} py="xl" component="main" id="main" style={{ flex: 1, width: "100%" }}>
        {children}
      </Container>
      <Box component="footer" py="md" bg="white" style={{ borderTop: "1px solid var(--mantine-color-gray-3)" }}>
        <Container size="lg">
          <Group justify="space-between" gap="xs">
            <Text size="xs" c="dimmed">
              © {t("bank.name")}. {t("footer.license")}
            </Text>
            <Group gap="md">
              <Anchor component={Link} href="/exchange/" size="xs">
                {t("nav.exchange")}
              </Anchor>
              <Anchor component={Link} href="/office/" size="xs">
                {t("nav.office")}
              </Anchor>
            </Group>
          </Group>
        </Container>
      </Box>
    </Box>
  );
}
