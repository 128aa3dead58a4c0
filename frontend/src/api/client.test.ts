import { beforeEach, describe, expect, it, vi } from "vitest";
import { authFetch, ledgerApi, onSessionExpired, unwrap } from "./client";
import { getTokens, setTokens } from "./session";
import { ApiError } from "./problem";
import { jsonResponse } from "@/test/render";

const fetchMock = vi.fn<(r: Request | string, init?: RequestInit) => Promise<Response>>();

beforeEach(() => {
  fetchMock.mockReset();
  vi.stubGlobal("fetch", fetchMock);
  setTokens(null);
});

function req(path: string, init?: RequestInit) {
  return new Request(new URL(path, "http://127.0.0.1:3000"), init);
}

describe("authFetch", () => {
  it("adds the bearer token", async () => {
    setTokens({ access_token: "A1", expires_in: 300 });
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { items: [] }));
    await authFetch(req("/api/accounts/my"));
    expect((fetchMock.mock.calls[0][0] as Request).headers.get("authorization")).toBe("Bearer A1");
  });

  it("sends the bearer to the signed-in password change, not to the anonymous forgot/reset", async () => {
    setTokens({ access_token: "A1", expires_in: 300 });
    fetchMock.mockImplementation(async () => jsonResponse(200, {}));
    for (const path of ["/api/auth/password/change", "/api/auth/sessions", "/api/auth/password/forgot", "/api/auth/password/reset"]) {
      await authFetch(req(path, { method: "POST" }));
    }
    expect(fetchMock.mock.calls.map((c) => (c[0] as Request).headers.get("authorization"))).toEqual(["Bearer A1", "Bearer A1", null, null]);
  });

  it("refreshes once on 401 and retries the same request (body and Idempotency-Key intact)", async () => {
    setTokens({ access_token: "old", expires_in: 300 });
    fetchMock
      .mockResolvedValueOnce(jsonResponse(401, { message: "Unauthorized" }))
      .mockResolvedValueOnce(jsonResponse(200, { access_token: "new", token_type: "Bearer", expires_in: 300 }))
      .mockResolvedValueOnce(jsonResponse(201, { transaction_id: "t" }));
    const res = await authFetch(req("/api/ledger/transfer", { method: "POST", body: '{"amount":"1.00"}', headers: { "Idempotency-Key": "K" } }));
    expect(res.status).toBe(201);
    const [first, refresh, retry] = fetchMock.mock.calls.map((c) => c[0] as Request | string);
    expect((first as Request).headers.get("authorization")).toBe("Bearer old");
    expect(String((refresh as Request).url ?? refresh)).toContain("/api/auth/refresh");
    expect((retry as Request).headers.get("authorization")).toBe("Bearer new");
    expect((retry as Request).headers.get("idempotency-key")).toBe("K");
    expect(await (retry as Request).text()).toBe('{"amount":"1.00"}');
    expect(getTokens()?.access_token).toBe("new");
    expect(fetchMock.mock.calls[1][1]).toMatchObject({ method: "POST", credentials: "same-origin" });
    expect(fetchMock.mock.calls[1][1]).not.toHaveProperty("body"); // the token is the HttpOnly cookie's
  });

  it("shares one refresh between concurrent 401s (rotating refresh tokens must not be reused)", async () => {
    setTokens({ access_token: "old", expires_in: 300 });
    let refreshes = 0;
    fetchMock.mockImplementation(async (input: Request | string) => {
      const r = input as Request;
      const url = typeof input === "string" ? input : r.url;
      if (url.endsWith("/api/auth/refresh")) {
        refreshes++;
        await new Promise((res) => setTimeout(res, 5));
        return jsonResponse(200, { access_token: "new", expires_in: 300 });
      }
      return r.headers.get("authorization") === "Bearer new" ? jsonResponse(200, {}) : jsonResponse(401, {});
    });
    const results = await Promise.all([authFetch(req("/api/a")), authFetch(req("/api/b")), authFetch(req("/api/c"))]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
  });

  it("a 401 that arrives after another request already refreshed retries with the new token, not a second refresh", async () => {
    setTokens({ access_token: "old", expires_in: 300 });
    let refreshes = 0;
    let releaseSlow: () => void = () => {};
    const slowDone = new Promise<void>((res) => (releaseSlow = res));
    fetchMock.mockImplementation(async (input: Request | string) => {
      const r = input as Request;
      const url = typeof input === "string" ? input : r.url;
      if (url.endsWith("/api/auth/refresh")) {
        refreshes++;
        return refreshes === 1 ? jsonResponse(200, { access_token: "new", refresh_token: "R2", expires_in: 300 }) : jsonResponse(401, {});
      }
      if (r.headers.get("authorization") === "Bearer new") return jsonResponse(200, {});
      if (url.endsWith("/api/slow")) await slowDone; // its 401 comes back only after the fast one refreshed
      return jsonResponse(401, {});
    });
    const slow = authFetch(req("/api/slow"));
    const fast = await authFetch(req("/api/fast"));
    releaseSlow();
    expect([fast.status, (await slow).status]).toEqual([200, 200]);
    expect(refreshes).toBe(1);
  });

  it("ends the session when the refresh is refused", async () => {
    setTokens({ access_token: "old", expires_in: 300 });
    const expired = vi.fn();
    const off = onSessionExpired(expired);
    fetchMock.mockResolvedValueOnce(jsonResponse(401, {})).mockResolvedValueOnce(jsonResponse(401, { code: "refresh_token_reused" }));
    const res = await authFetch(req("/api/accounts/my"));
    off();
    expect(res.status).toBe(401);
    expect(expired).toHaveBeenCalledOnce();
    expect(getTokens()).toBeNull();
  });

  it("refreshes ahead of expiry", async () => {
    setTokens({ access_token: "old", expires_in: 5 });
    fetchMock
      .mockResolvedValueOnce(jsonResponse(200, { access_token: "new", expires_in: 300 }))
      .mockResolvedValueOnce(jsonResponse(200, {}));
    await authFetch(req("/api/accounts/my"));
    expect((fetchMock.mock.calls[1][0] as Request).headers.get("authorization")).toBe("Bearer new");
  });
});

describe("typed client errors", () => {
  it("turns problem+json into an ApiError with its stable code", async () => {
    fetchMock.mockResolvedValueOnce(
      jsonResponse(422, { type: "x", title: "Refused", status: 422, code: "insufficient_funds", detail: "Available balance is below 10.00" }, "application/problem+json"),
    );
    const call = unwrap(
      ledgerApi.POST("/api/ledger/transfer", { params: { header: { "Idempotency-Key": "k" } }, body: { from_account_id: "a", to_account_id: "b", amount: "10.00", currency: "RUB", description: "" } }),
    );
    await expect(call).rejects.toBeInstanceOf(ApiError);
    await call.catch((e: ApiError) => {
      expect(e.code).toBe("insufficient_funds");
      expect(e.endpointMissing).toBe(false);
    });
  });

  it("tells a missing route (generic 404) from a missing entity", () => {
    expect(new ApiError({ status: 404, code: "not_found" }).endpointMissing).toBe(true);
    expect(new ApiError({ status: 404, code: "account_not_found" }).endpointMissing).toBe(false);
  });
});

describe("session storage", () => {
  it("keeps the access token in memory only: no storage holds it, only a marker without secrets", () => {
    setTokens({ access_token: "eyJhbGciOi.secret-access.token", expires_in: 300 });
    const stored = [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`)).join("\n");
    expect(stored).not.toContain("secret-access");
    expect(stored).toBe("bank.signedIn=1");
    setTokens(null);
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it("a reload restores the session with one cookie refresh, and a refused one ends it", async () => {
    const { restoreSession } = await import("./client");
    fetchMock.mockResolvedValueOnce(jsonResponse(200, { access_token: "fresh", token_type: "Bearer", expires_in: 300 }));
    expect(await restoreSession()).toBe(true);
    expect(getTokens()?.access_token).toBe("fresh");
    const expired = vi.fn();
    const off = onSessionExpired(expired);
    fetchMock.mockResolvedValueOnce(jsonResponse(401, { status: 401, code: "invalid_refresh_token" }));
    expect(await restoreSession()).toBe(false);
    off();
    expect(expired).toHaveBeenCalledOnce();
    expect(getTokens()).toBeNull();
  });

  it("refreshes under one lock shared by the browser's tabs (Web Locks), so tabs never present the same cookie", async () => {
    const { refreshSession, REFRESH_LOCK } = await import("./client");
    const held: string[] = [];
    let inside = false;
    const request = vi.fn(async (name: string, work: () => Promise<unknown>) => {
      held.push(name);
      inside = true;
      try {
        return await work();
      } finally {
        inside = false;
      }
    });
    vi.stubGlobal("navigator", { ...navigator, locks: { request } });
    fetchMock.mockImplementationOnce(async () => {
      expect(inside).toBe(true); // the refresh request is sent while the lock is held
      return jsonResponse(200, { access_token: "locked", expires_in: 300 });
    });
    expect(await refreshSession()).toBe(true);
    expect(held).toEqual([REFRESH_LOCK]);
    expect(getTokens()?.access_token).toBe("locked");
    vi.unstubAllGlobals();
  });
});
