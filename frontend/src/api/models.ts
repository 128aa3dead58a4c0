// Short names for the generated schemas the SPA reads most. Aliases only: every API shape comes from
// `src/api/generated` (`npm run gen:api` from api_spec/); `src/api/models.test.ts` refuses hand-written ones.
import type { accounts, contracts, customer, fx, ledger, utilities } from "./generated";

export type Account = accounts.components["schemas"]["Account"];
export type Card = accounts.components["schemas"]["Card"];
export type Product = accounts.components["schemas"]["Product"];
export type CardTopup = accounts.components["schemas"]["CardTopup"];
export type Posting = ledger.components["schemas"]["PostingItem"];
export type PostingPage = ledger.components["schemas"]["PostingPage"];
export type Counterparty = ledger.components["schemas"]["Counterparty"];
export type TxType = Posting["type"];
export type Dashboard = customer.components["schemas"]["Dashboard"];
export type TransferReceipt = customer.components["schemas"]["TransferReceipt"];
export type Quote = fx.components["schemas"]["Quote"];
export type Exchanged = fx.components["schemas"]["Exchanged"];
export type UtilityProvider = utilities.components["schemas"]["Provider"];
export type NewUtilityProvider = utilities.components["schemas"]["NewProviderRequest"];
export type ContractTemplate = contracts.components["schemas"]["Template"];
export type ContractTemplateDetail = contracts.components["schemas"]["TemplateDetail"];
export type ContractItem = contracts.components["schemas"]["Contract"];
export type ContractDocumentView = contracts.components["schemas"]["ContractDocument"];
