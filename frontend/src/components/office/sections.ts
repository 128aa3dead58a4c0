import type { MessageKey } from "@/lib/messages";

/** The back-office sections in the menu, in order. A screen's page adds its one line here. `adminOnly` hides a
 * section from employees (the API refuses them anyway). */
export type OfficeSection = { href: string; label: MessageKey; adminOnly?: boolean };

export const OFFICE_SECTIONS: OfficeSection[] = [
  { href: "/office/", label: "office.nav.customers" },
  { href: "/office/approvals/", label: "office.nav.approvals" },
];
