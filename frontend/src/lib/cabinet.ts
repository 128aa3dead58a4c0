// Data for the customer cabinet. The dashboard comes from the customer service (issue 5) when it is
// deployed; until then (its route answers a generic 404) it is assembled from accounts + ledger directly.
import { accountsApi, callJson, ledgerApi, unwrap } from "@/api/client";
import { ApiError } from "@/api/problem";
import type { Account, Card, Dashboard, Posting, PostingPage, TxType } from "@/api/models";

export type DashboardData = {
  accounts: Account[];
  cards: Card[];
  recent: Posting[];
  missing: string[];
  source: "customer" | "assembled";
};

export async function myAccounts(): Promise<Account[]> {
  return (await unwrap(accountsApi.GET("/api/accounts/my"))).items;
}

export async function accountCards(accountId: string): Promise<Card[]> {
  return (await unwrap(accountsApi.GET("/api/accounts/{account_id}/cards", { params: { path: { account_id: accountId } } }))).items;
}

export type TxFilters = { account_id?: string; type?: TxType | ""; from?: string; to?: string };

export async function transactions(filters: TxFilters, limit: number, cursor?: string | null): Promise<PostingPage> {
  const query = {
    limit,
    cursor: cursor ?? undefined,
    account_id: filters.account_id || undefined,
    type: filters.type || undefined,
    from: filters.from || undefined,
    to: filters.to || undefined,
  };
  return unwrap(ledgerApi.GET("/api/ledger/transactions", { params: { query } }));
}

async function assemble(): Promise<DashboardData> {
  const missing: string[] = [];
  const [accounts, recent] = await Promise.all([
    myAccounts(),
    transactions({}, 5).then(
      (p) => p.items,
      () => {
        missing.push("transactions");
        return [] as Posting[];
      },
    ),
  ]);
  const cards = (
    await Promise.all(
      accounts.filter((a) => a.status === "active").map((a) =>
        accountCards(a.id).catch(() => {
          if (!missing.includes("cards")) missing.push("cards");
          return [] as Card[];
        }),
      ),
    )
  ).flat();
  return { accounts, cards, recent, missing, source: "assembled" };
}

export async function loadDashboard(): Promise<DashboardData> {
  let d: Dashboard;
  try {
    d = await callJson<Dashboard>("GET", "/api/customer/dashboard");
  } catch (err) {
    if (err instanceof ApiError && err.endpointMissing) return assemble();
    throw err;
  }
  return {
    accounts: d.accounts,
    cards: d.cards,
    recent: d.recent_transactions,
    missing: d.missing,
    source: "customer",
  };
}
