"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Group, NavLink } from "@mantine/core";
import { useI18n } from "@/lib/i18n";
import { OFFICE_SECTIONS } from "./sections";

function current(pathname: string, href: string): boolean {
  const path = pathname.endsWith("/") ? pathname : `${pathname}/`;
  if (href === "/office/") return path === "/office/" || path.startsWith("/office/customer/");
  return path.startsWith(href);
}

/** The back office's section menu; the current section is marked for sight and for screen readers. */
export function OfficeNav({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const pathname = usePathname() ?? "/office/";
  return (
    <nav aria-label={t("office.nav.label")}>
      <Group gap={4} wrap="wrap">
        {OFFICE_SECTIONS.filter((s) => admin || !s.adminOnly).map((s) => {
          const active = current(pathname, s.href);
          return (
            <NavLink
              key={s.href}
              component={Link}
              href={s.href}
              label={t(s.label)}
              active={active}
              aria-current={active ? "page" : undefined}
              w="auto"
              style={{ borderRadius: 8 }}
            />
          );
        })}
      </Group>
    </nav>
  );
}
