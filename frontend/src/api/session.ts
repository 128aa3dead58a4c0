// Tokens live in sessionStorage (one tab's session; closing the tab signs out) plus an in-memory copy.
export type Tokens = { access_token: string; refresh_token: string | null; expires_at: number };

const KEY = "bank.session";
let current: Tokens | null | undefined;
const listeners = new Set<(t: Tokens | null) => void>();

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    return null;
  }
}

export function getTokens(): Tokens | null {
  if (current === undefined) {
    const raw = storage()?.getItem(KEY);
    try {
      current = raw ? (JSON.parse(raw) as Tokens) : null;
    } catch {
      current = null;
    }
  }
  return current;
}

export function setTokens(t: { access_token: string; refresh_token?: string | null; expires_in: number } | null): void {
  if (t === null) {
    current = null;
    storage()?.removeItem(KEY);
  } else {
    current = {
      access_token: t.access_token,
      refresh_token: t.refresh_token ?? getTokens()?.refresh_token ?? null,
      expires_at: Date.now() + t.expires_in * 1000,
    };
    storage()?.setItem(KEY, JSON.stringify(current));
  }
  listeners.forEach((fn) => fn(current ?? null));
}

export function onTokens(fn: (t: Tokens | null) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Roles from the access token's claims (display only: the gateway and services enforce them). */
export function tokenRoles(token: string | undefined | null): string[] {
  if (!token) return [];
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = JSON.parse(atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), "=")));
    const roles = json.roles ?? json["cognito:groups"] ?? [];
    return Array.isArray(roles) ? roles : String(roles).split(" ");
  } catch {
    return [];
  }
}
