// Typed clients generated from api_spec (openapi-typescript + openapi-fetch), one per service, sharing
// one fetch that adds the bearer token and refreshes it transparently (single flight) on expiry or 401.
import createClient from "openapi-fetch";
import type { accounts, auth, contracts, customer, fx, ledger, notifications, utilities } from "./generated";
import { getTokens, setTokens } from "./session";
import { ApiError, toProblem } from "./problem";

const REFRESH_MARGIN_MS = 15_000;
let refreshing: Promise<boolean> | null = null;
const expiredListeners = new Set<() => void>();

/** Called when the session cannot be refreshed any more (the UI sends the person to sign-in). */
export function onSessionExpired(fn: () => void): () => void {
  expiredListeners.add(fn);
  return () => expiredListeners.delete(fn);
}

/** The page's other tabs share the refresh cookie: one refresh at a time across all of them (the Web Locks
 * API; each tab then presents the cookie the previous one left). Without the API the server's grace window
 * still honours a just-rotated token once (docs/security.md). */
export const REFRESH_LOCK = "bank.refresh";

function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks ? (locks.request(REFRESH_LOCK, work) as Promise<T>) : work();
}

export function refreshSession(): Promise<boolean> {
  if (!refreshing) {
    refreshing = acrossTabs(async () => {
      try {
        // The HttpOnly bank_refresh cookie goes along (same origin); the answer carries the access token only.
        const res = await fetch("/api/auth/refresh", { method: "POST", credentials: "same-origin" });
        if (!res.ok) return false;
        setTokens(await res.json());
        return true;
      } catch {
        return false;
      }
    }).finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

function expire(): void {
  setTokens(null);
  expiredListeners.forEach((fn) => fn());
}

/** After a reload (the access token lived in memory only): one refresh through the HttpOnly cookie brings
 * the session back; when it is refused, the session has expired (the UI shows sign-in with a notice). */
export async function restoreSession(): Promise<boolean> {
  if (await refreshSession()) return true;
  expire();
  return false;
}

// Endpoints that take no bearer token: never retried through a refresh.
const PUBLIC = /^\/api\/auth\/(login|register|activate|activation\/resend|refresh|password\/(forgot|reset))/;

export async function authFetch(request: Request): Promise<Response> {
  const tokens = getTokens();
  if (!tokens || PUBLIC.test(new URL(request.url).pathname)) return fetch(request);
  if (tokens.expires_at - Date.now() < REFRESH_MARGIN_MS) {
    if (!(await refreshSession())) {
      expire();
      return fetch(request);
    }
  }
  const retry = request.clone();
  const first = new Request(request);
  const sent = getTokens()!.access_token;
  first.headers.set("authorization", `Bearer ${sent}`);
  const response = await fetch(first);
  if (response.status !== 401) return response;
  // A 401 for a token another request has already replaced: retry with the new one. Refreshing again would
  // present the rotated-out refresh token, which the server treats as reuse and answers by ending the session.
  const replaced = getTokens()?.access_token;
  if ((replaced !== undefined && replaced !== sent) || (await refreshSession())) {
    retry.headers.set("authorization", `Bearer ${getTokens()!.access_token}`);
    const again = await fetch(retry);
    if (again.status === 401) expire();
    return again;
  }
  expire();
  return response;
}

const options = { baseUrl: "", fetch: authFetch };
export const authApi = createClient<auth.paths>(options);
export const accountsApi = createClient<accounts.paths>(options);
export const ledgerApi = createClient<ledger.paths>(options);
export const fxApi = createClient<fx.paths>(options);
export const customerApi = createClient<customer.paths>(options);
export const notificationsApi = createClient<notifications.paths>(options);
export const utilitiesApi = createClient<utilities.paths>(options);
export const contractsApi = createClient<contracts.paths>(options);

type Result<T> = { data?: T; error?: unknown; response: Response };

/** Unwraps an openapi-fetch result: the data, or an ApiError carrying the problem+json. */
export async function unwrap<T>(call: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await call;
  } catch {
    throw new ApiError({ status: 0, code: "network_error", title: "Network error" });
  }
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(toProblem(result.response.status, result.error, result.response.headers.get("retry-after")));
  }
  return result.data as T;
}

/**
 * For routes of issue 5 that are not in api_spec yet (no generated types): a plain call through the
 * same authenticated fetch, with the same error handling.
 */
export async function callJson<T>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const init: RequestInit = { method, headers: { accept: "application/json", ...(headers ?? {}) } };
  if (body !== undefined) {
    (init.headers as Record<string, string>)["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await authFetch(new Request(new URL(path, window.location.origin), init));
  } catch {
    throw new ApiError({ status: 0, code: "network_error", title: "Network error" });
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) throw new ApiError(toProblem(response.status, parsed, response.headers.get("retry-after")));
  return parsed as T;
}

export function newIdempotencyKey(): string {
  const c: Crypto = globalThis.crypto;
  if (typeof c.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
