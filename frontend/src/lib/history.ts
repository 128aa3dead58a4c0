// The customer's one feed across accounts: every operation described in the UI language from the ledger's
// postings (both legs of an exchange or an own transfer are the customer's, so they are paired here), and a
// search over what is loaded by counterparty, amount and text.
import type { Counterparty } from "@/api/models";
import type { MessageKey } from "./messages";
import { formatMoney, type Money } from "./money";

/** One posting as GET /api/ledger/transactions returns it. */
export type FeedPosting = {
  transaction_id: string;
  account_id: string;
  type: string;
  direction: string;
  amount: Money;
  description: string;
  created_at: string;
  /** The other side as this account's holder sees it (null: none recorded). */
  counterparty?: Counterparty | null;
};

export type Kind = "exchange" | "own" | "transfer_in" | "transfer_out" | "bill" | "topup" | "issuance" | "capture" | "reversal" | "interest" | "other";

/** One operation of the feed: an exchange or own transfer is one entry though it has two postings. */
export type Operation = {
  id: string;
  kind: Kind;
  createdAt: string;
  postings: FeedPosting[];
  /** The posting that leaves the customer (debit) and the one that arrives (credit), when there are such. */
  out?: FeedPosting;
  in?: FeedPosting;
  description: string;
  provider?: string;
  /** Who the other side is ("Иван И.", a provider, a merchant, "•• 4242", the cash desk, the bank). */
  counterparty?: Counterparty;
  /** For an exchange: the rate as the ledger recorded it (buy units per sold unit). */
  rate?: string;
};

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

const RATE = /\bat\s+([0-9]+(?:\.[0-9]+)?)\s*$/;
const BILL = /^ЖКХ:\s*([^,]+)/;

function kindOf(type: string, legs: FeedPosting[], description: string): Kind {
  const out = legs.find((p) => p.direction === "debit");
  const inn = legs.find((p) => p.direction === "credit");
  switch (type) {
    case "exchange":
    case "fx_exchange":
      return "exchange";
    case "transfer":
      if (out && inn) return "own";
      return out ? "transfer_out" : "transfer_in";
    case "hold_capture":
      return BILL.test(description) ? "bill" : "capture";
    case "topup":
    case "issuance":
    case "reversal":
      return type === "topup" ? "topup" : type;
    case "interest":
      return "interest";
    default:
      return "other";
  }
}

/** Postings (newest first) grouped into operations, keeping the feed's order. */
export function toOperations(postings: FeedPosting[]): Operation[] {
  const byId = new Map<string, FeedPosting[]>();
  for (const p of postings) byId.set(p.transaction_id, [...(byId.get(p.transaction_id) ?? []), p]);
  const seen = new Set<string>();
  const ops: Operation[] = [];
  for (const p of postings) {
    if (seen.has(p.transaction_id)) continue;
    seen.add(p.transaction_id);
    const legs = byId.get(p.transaction_id)!;
    const description = legs.find((l) => l.description)?.description ?? "";
    const kind = kindOf(p.type, legs, description);
    ops.push({
      id: p.transaction_id,
      kind,
      createdAt: p.created_at,
      postings: legs,
      out: legs.find((l) => l.direction === "debit"),
      in: legs.find((l) => l.direction === "credit"),
      description,
      provider: BILL.exec(description)?.[1]?.trim(),
      counterparty: kind === "own" || kind === "exchange" ? undefined : legs.find((l) => l.counterparty)?.counterparty ?? undefined,
      rate: kind === "exchange" ? RATE.exec(description)?.[1] : undefined,
    });
  }
  return ops;
}

/** Decimal division for display only (a rate shown to a person, never an amount that moves). */
function ratio(a: string, b: string): number {
  return Number(a) / Number(b);
}

/**
 * The rate of an exchange the way a Russian customer reads it: roubles per unit of the foreign currency
 * ("1 $ = 81,86 ₽"), otherwise units bought per unit sold. The ledger's rate is buy units per sold unit.
 */
export function exchangeRateText(sold: Money, bought: Money, rate: string | undefined, locale: string): string {
  const perSold = rate ? Number(rate) : ratio(bought.amount, sold.amount);
  if (!Number.isFinite(perSold) || perSold <= 0) return "";
  const rubPerUnit = sold.currency === "RUB" ? 1 / perSold : bought.currency === "RUB" ? perSold : null;
  if (rubPerUnit !== null) {
    const unit = sold.currency === "RUB" ? bought.currency : sold.currency;
    return `${formatMoney({ amount: "1", currency: unit }, locale).replace(/[.,]00(?=\D*$)/, "")} = ${formatMoney({ amount: rubPerUnit.toFixed(2), currency: "RUB" }, locale)}`;
  }
  return `${formatMoney({ amount: "1", currency: sold.currency }, locale).replace(/[.,]00(?=\D*$)/, "")} = ${formatMoney({ amount: perSold.toFixed(4), currency: bought.currency }, locale)}`;
}

/** The operation in one line in the UI language ("Обмен 1 000,00 ₽ → 12,22 $ по курсу 1 $ = 81,86 ₽"). */
export function describe(t: T, op: Operation, locale: string): string {
  switch (op.kind) {
    case "exchange": {
      if (!op.out || !op.in) return t("history.kind.exchange");
      const sold = formatMoney(op.out.amount, locale);
      const bought = formatMoney(op.in.amount, locale);
      const rate = exchangeRateText(op.out.amount, op.in.amount, op.rate, locale);
      return rate ? t("desc.exchange", { sold, bought, rate }) : t("desc.exchangeNoRate", { sold, bought });
    }
    case "own":
      return t("desc.ownTransfer");
    case "transfer_in":
      return t("desc.transferIn");
    case "transfer_out":
      return t("desc.transferOut");
    case "bill":
      return op.provider ? t("desc.bill", { provider: op.provider }) : t("desc.billGeneric");
    case "topup":
      return t("desc.topup");
    case "issuance":
      return t("desc.issuance");
    case "capture":
      return t("desc.capture");
    case "reversal":
      return t("desc.reversal");
    case "interest":
      return t("desc.interest");
    default:
      return op.description || op.postings[0]?.type || "";
  }
}

/** The counterparty in words: its name, or the cash desk / the bank in the UI language; "" when none. */
export function counterpartyText(t: T, party: Counterparty | undefined | null): string {
  if (!party) return "";
  if (party.name) return party.name;
  if (party.kind === "cash_desk") return t("counterparty.cash_desk");
  if (party.kind === "bank") return t("counterparty.bank");
  return "";
}

/** The customer's own text of the operation (a transfer's message, a cash desk note), when there is one. */
export function note(op: Operation): string {
  if (op.kind === "exchange" || op.kind === "bill") return "";
  return op.description;
}

/** Digits of an amount typed in a search box ("1 250,5" → "1250.5"), or null when it is not one. */
function amountQuery(query: string): string | null {
  const cleaned = query.replace(/[\s\u00a0\u202f₽$€¥£]/g, "").replace(",", ".");
  return /^\d+(\.\d+)?$/.test(cleaned) ? cleaned : null;
}

function sameAmount(amount: string, query: string): boolean {
  if (amount === query) return true;
  const [whole, frac = ""] = amount.split(".");
  const [qWhole, qFrac = ""] = query.split(".");
  return whole === qWhole && frac.replace(/0+$/, "") === qFrac.replace(/0+$/, "");
}

/** Whether an operation matches the search: an amount equal to a typed amount, or any words in its texts. */
export function matches(op: Operation, query: string, text: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  const amount = amountQuery(q);
  if (amount && op.postings.some((p) => sameAmount(p.amount.amount, amount))) return true;
  const haystack = `${text} ${op.description} ${op.provider ?? ""} ${op.counterparty?.name ?? ""}`.toLowerCase();
  return q.split(/\s+/).every((word) => haystack.includes(word));
}

export const KIND_FILTERS = ["exchange", "bill", "own", "transfer_out", "transfer_in", "topup", "reversal"] as const;

/** The ledger's `type` filter for a kind of the feed (the finer kinds are then picked from its answer). */
export function ledgerType(kind: string | undefined): "exchange" | "transfer" | "hold_capture" | "topup" | "reversal" | undefined {
  switch (kind) {
    case "exchange":
      return "exchange";
    case "bill":
      return "hold_capture";
    case "own":
    case "transfer_out":
    case "transfer_in":
      return "transfer";
    case "topup":
    case "reversal":
      return kind;
    default:
      return undefined;
  }
}

