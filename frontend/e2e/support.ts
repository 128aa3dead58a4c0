// Helpers for the browser tests: the stack's demo credentials, direct API calls (as the employee or a
// customer), the activation mail from LocalStack SES and TOTP codes.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3000";
export const SES = process.env.E2E_SES_URL ?? "http://127.0.0.1:4566/_aws/ses";
const SECRETS = process.env.E2E_SECRETS ?? path.resolve(here, "../../.local/secrets.json");

export type DemoUser = { email: string; password: string };
export function demoUser(role: "employee" | "customer" | "admin"): DemoUser {
  const data = JSON.parse(readFileSync(SECRETS, "utf8"));
  const user = data.demo_users?.[role];
  if (!user?.email) throw new Error(`No demo ${role} in ${SECRETS}: run \`make up\` first`);
  return user;
}

export async function apiLogin(request: APIRequestContext, user: DemoUser, totp?: string): Promise<string> {
  const res = await request.post(`${BASE}/api/auth/login`, { data: { email: user.email, password: user.password, totp: totp ?? null } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).access_token;
}

export function bearer(token: string) {
  return { authorization: `Bearer ${token}` };
}

export type Account = { id: string; number: string; currency: string; product_code: string; balance: { amount: string; currency: string } | null };

export async function accountsOf(request: APIRequestContext, token: string): Promise<Account[]> {
  const res = await request.get(`${BASE}/api/accounts/my`, { headers: bearer(token) });
  expect(res.status()).toBe(200);
  return (await res.json()).items;
}

/** Cash paid in at the desk through the back office (under the approval threshold it executes at once). */
export async function topUp(request: APIRequestContext, employeeToken: string, accountId: string, amount: string, currency: string) {
  const res = await request.post(`${BASE}/api/office/accounts/${accountId}/topup`, {
    headers: { ...bearer(employeeToken), "Idempotency-Key": randomUUID() },
    data: { amount, currency, description: "Взнос наличных в кассе" },
  });
  expect(res.status(), await res.text()).toBe(201);
}

export async function postings(request: APIRequestContext, token: string, accountId: string) {
  const res = await request.get(`${BASE}/api/ledger/transactions?account_id=${accountId}&limit=100`, { headers: bearer(token) });
  expect(res.status()).toBe(200);
  return (await res.json()).items as { transaction_id: string; type: string; direction: string; amount: { amount: string } }[];
}

/** Polls LocalStack's SES outbox for the newest mail to `email` and returns the link it carries. */
export async function linkFromMail(request: APIRequestContext, email: string, route: string, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const pattern = new RegExp(`https?://[^\\s"<>]+/banking-service/${route}\\?token=[^\\s"<>]+`);
  while (Date.now() < deadline) {
    const res = await request.get(SES);
    if (res.ok()) {
      const { messages = [] } = await res.json();
      const mine = messages.filter((m: { Destination?: { ToAddresses?: string[] } }) => m.Destination?.ToAddresses?.includes(email));
      for (const m of mine.reverse()) {
        const text = `${m.Body?.text_part ?? ""} ${m.Body?.html_part ?? ""}`;
        const found = pattern.exec(text);
        if (found) return found[0];
      }
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`No ${route} mail for ${email} in ${SES} within ${timeoutMs} ms`);
}

/** RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 secret, as authenticator apps compute it. */
export function totp(secret: string, at = Date.now()): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const ch of secret.replace(/=+$/, "").toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, "0");
}

export async function shot(page: Page, name: string) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.screenshot({ path: path.resolve(here, `../test-results/screens/${name}.png`), fullPage: true });
}

/**
 * Collects every Content-Security-Policy violation of a page: the `securitypolicyviolation` DOM event (reported
 * through the console by an init script) and Chromium's own console messages about blocked content.
 */
export function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy|Content-Security-Policy|CSP violation/i.test(text)) violations.push(`${page.url()}: ${text}`);
  });
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"} in ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  return violations;
}

/** The security headers every SPA response carries (frontend/security-headers.json, as CloudFront sends them). */
export function securityHeaders(): Record<string, string> {
  return JSON.parse(readFileSync(path.resolve(here, "../security-headers.json"), "utf8")).headers;
}

/**
 * axe-core on the page as it is now (WCAG 2.1 A/AA rules): fails on any serious or critical violation, naming
 * each rule and the elements it found. Minor and moderate findings are not a failure.
 */
export async function expectAccessible(page: Page, what = page.url()) {
  await page.waitForLoadState("networkidle").catch(() => undefined);
  // Legacy mode: axe runs in the page itself, so a page from browser.newPage() works too (the SPA has no
  // cross-origin frames, which is all the newer mode adds).
  const result = await new AxeBuilder({ page }).setLegacyMode(true).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(" ")} ${n.failureSummary ?? ""}`).join("\n")}`);
  expect.soft(report, `axe on ${what}`).toEqual([]); // soft: one run lists every page's findings, still failing the test
}

/** A new customer signed up and activated through the API and the SES mail; answers their access token. */
export async function signUpCustomer(request: APIRequestContext, user: DemoUser, fullName: string, phone: string): Promise<string> {
  const registered = await request.post(`${BASE}/api/auth/register`, { data: { ...user, full_name: fullName, phone } });
  expect(registered.status(), await registered.text()).toBe(202);
  const token = new URL(await linkFromMail(request, user.email, "activate")).searchParams.get("token");
  expect((await request.post(`${BASE}/api/auth/activate`, { data: { token } })).ok()).toBeTruthy();
  return apiLogin(request, user);
}

/** Signs `user` in through the SPA's (Russian) sign-in form and waits for the cabinet. */
export async function signInOnPage(page: Page, user: DemoUser) {
  await page.goto("/banking-service/sign-in/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(user.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/lk\/$/);
}

/** A serial spec's desktop page and API context: opened before its first step, closed after its last (call once,
 * at the spec's top level; read `session.page` and `session.api` inside the steps). */
export function desktopSession(): { page: Page; api: APIRequestContext } {
  const session = {} as { page: Page; api: APIRequestContext };
  test.beforeAll(async ({ browser, playwright }) => {
    session.page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    session.api = await playwright.request.newContext();
  });
  test.afterAll(async () => {
    await session.page?.close();
    await session.api?.dispose();
  });
  return session;
}
