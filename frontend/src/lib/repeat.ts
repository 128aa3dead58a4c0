// "Repeat" a payment: the transfer form opens prefilled from its address (/lk/transfer/?mode=…&from=…&to=…&amount=…).
export type TransferMode = "own" | "account" | "phone";
export type Prefill = { mode?: TransferMode; from?: string; to?: string; amount?: string; message?: string };

const MODES: readonly string[] = ["own", "account", "phone"];

export function repeatHref(prefill: Prefill): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(prefill)) if (value) query.set(name, value);
  return `/lk/transfer/?${query.toString()}`;
}

export function readPrefill(search: string): Prefill {
  const query = new URLSearchParams(search);
  const mode = query.get("mode");
  const text = (name: string) => query.get(name) ?? undefined;
  return { mode: mode && MODES.includes(mode) ? (mode as TransferMode) : undefined, from: text("from"), to: text("to"), amount: text("amount"), message: text("message") };
}
