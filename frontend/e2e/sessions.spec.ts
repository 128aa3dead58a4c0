// Issue 14: a reload racing a refresh keeps the session (the server's grace window, docs/security.md), and a
// fresh customer sees the shared empty states with a next step on every list (components/States.tsx).
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { expectAccessible, shot, signInOnPage, signUpCustomer } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me = { email: `sessions-${run}@example.com`, password: `Sever-${run}-2026` };
const phone = `+79${String(Date.now()).slice(-9)}`;
let page: Page;
let api: APIRequestContext;

test.beforeAll(async ({ browser, playwright }) => {
  api = await playwright.request.newContext();
  await signUpCustomer(api, me, "Сидорова Анна Павловна", phone);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

const refreshCookies = async (p: Page) => (await p.context().cookies()).filter((c) => c.name === "bank_refresh");

test("a reload while a refresh is in flight keeps the session (the rotated cookie never reached the browser)", async () => {
  await signInOnPage(page, me);
  const before = await refreshCookies(page);
  expect(before).toHaveLength(2);
  // The refresh reaches auth, which rotates the token, but its answer is lost as when a reload aborts it:
  // the browser still holds the cookie auth has just rotated out.
  await page.route("**/api/auth/refresh", async (route) => {
    await route.fetch();
    await route.abort();
  }, { times: 1 });
  await page.evaluate(() => fetch("/api/auth/refresh", { method: "POST" }).catch(() => null));
  await page.context().addCookies(before);
  expect((await refreshCookies(page)).map((c) => c.value)).toEqual(before.map((c) => c.value));
  await page.reload();
  await expect(page).toHaveURL(/\/lk\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Анна");
  const after = await refreshCookies(page);
  expect(after[0].value).not.toBe(before[0].value); // the grace window answered with a new cookie
  await page.reload(); // and that cookie works on: one session, not revoked
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Анна");
});

const EMPTY_LISTS: { path: string; name: string; next?: string }[] = [
  { path: "/lk/history/", name: "history", next: "Сделать перевод" },
  { path: "/lk/templates/", name: "templates" },
  { path: "/lk/autopay/", name: "autopay" },
  { path: "/lk/savings/", name: "savings", next: "Открыть счёт" },
  { path: "/lk/contracts/", name: "contracts" },
  { path: "/lk/utilities/", name: "utilities" },
];

for (const list of EMPTY_LISTS) {
  test(`a fresh customer sees the empty state of ${list.name} with what to do next`, async () => {
    await page.goto(list.path);
    const empty = page.getByTestId("empty").first();
    await expect(empty).toBeVisible({ timeout: 60_000 }); // a cold service on the shared test machine
    await expect(page.getByRole("status").filter({ has: page.locator("[aria-busy=true]") })).toHaveCount(0);
    if (list.next) await expect(empty.getByRole("link", { name: list.next })).toBeVisible();
    await expectAccessible(page, list.path);
    await shot(page, `sessions-empty-${list.name}`);
  });
}

test("the empty history's next step leads to the transfer screen", async () => {
  await page.goto("/lk/history/");
  await page.getByTestId("empty").getByRole("link", { name: "Сделать перевод" }).click();
  await expect(page).toHaveURL(/\/lk\/transfer\/$/);
  await expectAccessible(page, "/lk/transfer/");
});

test("the English cabinet's empty state reads in English", async () => {
  await page.goto("/lk/history/");
  await page.getByText("EN", { exact: true }).first().click();
  await expect(page.getByTestId("empty")).toContainText("No transactions yet.");
  await expect(page.getByTestId("empty").getByRole("link", { name: "Make a transfer" })).toBeVisible();
  await expectAccessible(page, "/lk/history/ (en)");
  await shot(page, "sessions-empty-history-en");
});
