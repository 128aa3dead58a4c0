// Roles and statuses as the back end spells them ("customer", "ACTIVE") in the UI language.
import type { MessageKey } from "./messages";

type T = (key: MessageKey) => string;

function lookup(t: T, prefix: string, value: string): string {
  const key = `${prefix}.${value.toLowerCase()}` as MessageKey;
  const text = t(key);
  return text === key ? value : text;
}

export const roleLabel = (t: T, role: string): string => lookup(t, "role", role);
export const statusLabel = (t: T, status: string): string => lookup(t, "status", status);
