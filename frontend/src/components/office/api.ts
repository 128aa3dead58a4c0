// The back-office API (`/api/office`), typed from api_spec/office.openapi.json, through the shared
// authenticated fetch (bearer token + transparent refresh).
import createClient from "openapi-fetch";
import { authFetch } from "@/api/client";
import type { office } from "@/api/generated";

export const officeApi = createClient<office.paths>({ baseUrl: "", fetch: authFetch });

export type OfficeCustomer = office.components["schemas"]["UserProfile"];
export type OfficeAccount = office.components["schemas"]["Account"];
export type OfficeCard = office.components["schemas"]["Card"];
export type OfficeCustomerCard = office.components["schemas"]["CustomerCard"];
export type OfficeAuditEntry = office.components["schemas"]["AuditEntry"];
export type StaffRole = office.components["schemas"]["EmployeeRolesRequest"]["roles"][number];
export type OfficeStandingOrder = office.components["schemas"]["StandingOrderOut"];
export type OfficeTemplate = office.components["schemas"]["TemplateOut"];
export type OfficeCardLimits = office.components["schemas"]["CardLimits"];
export type OfficePurchase = office.components["schemas"]["Purchase"];
export type OfficeMoneyRequest = office.components["schemas"]["MoneyRequest"];
export type OfficePosting = office.components["schemas"]["PostingItem"];
