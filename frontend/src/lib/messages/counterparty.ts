// The other side of an operation in the history feed, its detail and receipts, when it has no name of its own
// (the ledger records the kind only: docs/money.md#counterparty), Russian and English.
export const counterpartyRu = {
  "counterparty.cash_desk": "Касса банка",
  "counterparty.bank": "Банк",
};

export const counterpartyEn: Record<keyof typeof counterpartyRu, string> = {
  "counterparty.cash_desk": "Bank cash desk",
  "counterparty.bank": "The bank",
};
