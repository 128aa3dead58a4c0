import type { MessageKey } from "@/lib/messages";

/** The back-office sections in the menu, in order. A screen's page adds its one line here. `adminOnly` hides a
 * section from employees (the API refuses them anyway). */
export type OfficeSection = { href: string; label: MessageKey; adminOnly?: boolean };

export const OFFICE_SECTIONS: OfficeSection[] = [
  { href: "/office/", label: "office.nav.customers" },
  { href: "/office/approvals/", label: "office.nav.approvals" },
  { href: "/office/contracts/", label: "office.nav.contracts" },
  { href: "/office/providers/", label: "office.nav.providers" },
  { href: "/office/employees/", label: "office.nav.employees", adminOnly: true },
  { href: "/office/audit/", label: "office.nav.audit", adminOnly: true },
  { href: "/office/savings/", label: "office.nav.savings", adminOnly: true },
];
