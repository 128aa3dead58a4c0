// Issue 14 item 2: the refresh token is an HttpOnly cookie out of JavaScript's reach, the access token lives
// in memory only, and a reload keeps the session through the cookie. A fresh customer of its own.
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, linkFromMail } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me = { email: `typed-${run}@example.com`, password: `Sever-${run}-2026`, full_name: "Петров Пётр Иванович" };
let page: Page;
let api: APIRequestContext;

/** Everything a script in the page can read: document.cookie and both storages. */
async function readableByScripts(p: Page): Promise<string> {
  return p.evaluate(() => {
    const dump = (s: Storage) => Object.keys(s).map((k) => `${k}=${s.getItem(k)}`).join("\n");
    return [document.cookie, dump(localStorage), dump(sessionStorage)].join("\n");
  });
}

test.beforeAll(async ({ browser, playwright }) => {
  api = await playwright.request.newContext();
  const registered = await api.post(`${BASE}/api/auth/register`, { data: { email: me.email, password: me.password, full_name: me.full_name } });
  expect(registered.status(), await registered.text()).toBe(202);
  const token = new URL(await linkFromMail(api, me.email, "activate")).searchParams.get("token");
  const activated = await api.post(`${BASE}/api/auth/activate`, { data: { token } });
  expect(activated.status(), await activated.text()).toBe(200);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("sign-in sets the refresh token as an HttpOnly, Secure, SameSite=Strict cookie on the refresh and logout paths only", async () => {
  await page.goto("/banking-service/sign-in/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(me.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(me.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/lk\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Пётр");
  const cookies = (await page.context().cookies()).filter((c) => c.name === "bank_refresh");
  expect(cookies.map((c) => c.path).sort()).toEqual(["/api/auth/logout", "/api/auth/refresh"]);
  for (const cookie of cookies) expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: "Strict" });
});

test("no token is readable by a script: not in document.cookie, localStorage or sessionStorage", async () => {
  const readable = await readableByScripts(page);
  const refresh = (await page.context().cookies()).find((c) => c.name === "bank_refresh")!.value;
  expect(refresh.length).toBeGreaterThan(10);
  expect(readable).not.toContain(refresh);
  expect(readable).not.toMatch(/eyJ[\w-]+\.[\w-]+/); // no JWT (the access token) anywhere
  expect(readable).not.toContain("bank_refresh");
});

test("a reload keeps the session through the cookie", async () => {
  const before = (await page.context().cookies()).find((c) => c.name === "bank_refresh")!.value;
  await page.reload();
  await expect(page).toHaveURL(/\/lk\/$/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Пётр");
  const after = (await page.context().cookies()).find((c) => c.name === "bank_refresh")!.value;
  expect(after).not.toBe(before); // the reload's refresh rotated the token
  expect(await readableByScripts(page)).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
});

test("sign-out revokes the session and clears the cookie; a reload then asks to sign in", async () => {
  await page.goto("/lk/profile/");
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/banking-service\/$/);
  expect((await page.context().cookies()).filter((c) => c.name === "bank_refresh")).toEqual([]);
  await page.goto("/lk/");
  await expect(page).toHaveURL(/\/banking-service\/sign-in\//);
});
