// Response shapes of endpoints whose OpenAPI schema is still an untyped object (`additionalProperties`).
// Written from the services' view functions; replace with generated types once the specs name them.
import type { Money } from "@/lib/money";

export type Page<T> = { items: T[]; next_cursor: string | null };

export type Account = {
  id: string;
  number: string;
  owner_id: string;
  product_code: string;
  currency: string;
  status: "active" | "closed" | string;
  opened_at: string | null;
  closed_at: string | null;
  balance: Money | null;
  available: Money | null;
};

export type Card = {
  id: string;
  account_id: string;
  pan_masked: string;
  last4: string;
  expiry: string;
  status: "active" | "blocked" | string;
  created_at: string | null;
};

export type Product = {
  code: string;
  name: string;
  kind: string;
  currencies: string[];
  self_service: boolean;
};

export type TxType = "issuance" | "topup" | "transfer" | "hold_capture" | "reversal" | "fx_exchange";

export type Posting = {
  transaction_id: string;
  account_id: string;
  type: TxType | string;
  direction: "credit" | "debit";
  amount: Money;
  description: string;
  created_at: string;
};

export type TransferResult = {
  transaction_id?: string;
  id?: string;
  status?: string;
  amount?: Money;
  [k: string]: unknown;
};

// Issue 5 (not in api_spec yet): FX quotes/exchange and the customer dashboard / P2P.
export type Quote = {
  id: string;
  rate: string;
  from_amount: Money;
  to_amount: Money;
  expires_at: string;
  spread?: string;
};

export type Dashboard = {
  profile?: { full_name: string; email: string };
  accounts?: Account[];
  cards?: Card[];
  recent_transactions?: Posting[];
  unread_notifications?: number | null;
  missing?: string[];
};
