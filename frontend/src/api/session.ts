// The access token lives in this page's memory only, never in sessionStorage or localStorage: a script
// injected into the page finds no token to carry away. The refresh token is an HttpOnly cookie the browser
// sends only to /api/auth/refresh and /api/auth/logout (docs/security.md "Refresh token cookie"), so a
// reload restores the session by one refresh. A marker without any secret (`bank.signedIn`) says whether
// that refresh is worth trying, so anonymous visitors do not call it.
export type Tokens = { access_token: string; expires_at: number };

const SIGNED_IN = "bank.signedIn";
let current: Tokens | null = null;
const listeners = new Set<(t: Tokens | null) => void>();

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.localStorage;
  } catch {
    return null;
  }
}

export function getTokens(): Tokens | null {
  return current;
}

/** Whether this browser had a session (the refresh cookie may restore it after a reload). */
export function hadSession(): boolean {
  return storage()?.getItem(SIGNED_IN) === "1";
}

export function setTokens(t: { access_token: string; expires_in: number } | null): void {
  if (t === null) {
    current = null;
    storage()?.removeItem(SIGNED_IN);
  } else {
    current = { access_token: t.access_token, expires_at: Date.now() + t.expires_in * 1000 };
    storage()?.setItem(SIGNED_IN, "1");
  }
  listeners.forEach((fn) => fn(current));
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
