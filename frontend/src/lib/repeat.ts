// The one way to open the transfer form prefilled — "repeat" from history and "pay" from a template alike: the
// form reads its fields from its address (/lk/transfer/?mode=…&from=…&to=…&amount=…&message=…). The form is only
// prefilled; the customer checks and confirms it as any transfer.
export type TransferMode = "own" | "account" | "phone";
export type Prefill = { mode?: TransferMode; from?: string; to?: string; amount?: string; message?: string };

const MODES: readonly string[] = ["own", "account", "phone"];

export function repeatHref(prefill: Prefill): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(prefill)) if (value) query.set(name, value);
  return `/lk/transfer/?${query.toString()}`;
}

/** A payment template's fields (accounts' TemplateOut) as a prefill: by account number, else by phone. */
export function prefillFromTemplate(template: {
  to_account_number?: string | null;
  to_phone?: string | null;
  from_account_id?: string | null;
  amount?: { amount: string } | null;
  description?: string | null;
}): Prefill {
  const to = template.to_account_number ?? template.to_phone ?? undefined;
  return {
    mode: template.to_account_number ? "account" : template.to_phone ? "phone" : undefined,
    from: template.from_account_id ?? undefined,
    to,
    amount: template.amount?.amount,
    message: template.description ?? undefined,
  };
}

export function readPrefill(search: string): Prefill {
  const query = new URLSearchParams(search);
  const mode = query.get("mode");
  const text = (name: string) => query.get(name) ?? undefined;
  return { mode: mode && MODES.includes(mode) ? (mode as TransferMode) : undefined, from: text("from"), to: text("to"), amount: text("amount"), message: text("message") };
}
