"use client";
import Link from "next/link";
import { Group, Text, ThemeIcon } from "@mantine/core";
import { IconBuildingBank } from "@tabler/icons-react";
import { useI18n } from "@/lib/i18n";

export function Logo({ href = "/banking-service/" }: { href?: string }) {
  const { t } = useI18n();
  return (
    <Link href={href} style={{ textDecoration: "none", color: "inherit" }} aria-label={t("bank.name")}>
      <Group gap={8} wrap="nowrap">
        <ThemeIcon size={34} radius="md" variant="filled" aria-hidden>
          <IconBuildingBank size={20} />
        </ThemeIcon>
        <Text fw={800} size="lg" c="bank.9" visibleFrom="xs">
          {t("bank.name")}
        </Text>
      </Group>
    </Link>
  );
}
