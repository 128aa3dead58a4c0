// Payments in a real browser against the running stack (helper `pay`, issue 14 items 3–5): a transfer by phone
// typed as "8 9…" with a confirm step that names the recipient ("Пётр С."), a receipt with its PDF, "repeat"
// prefilling the form; an account's requisites and a statement; a ЖКХ bill with confirm, result and history.
// Desktop and a phone viewport; every step runs (a skipped step fails tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, accountsOf, apiLogin, bearer, demoUser, linkFromMail, shot, topUp, type DemoUser } from "./support";

test.describe.configure({ mode: "serial" });

type Person = DemoUser & { name: string; phone: string };

function person(tag: string, name: string): Person {
  const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, "0");
  return { email: `pay-${tag}-${randomUUID().slice(0, 8)}@example.com`, password: `Sever-${randomUUID().slice(0, 8)}-2026`, name, phone: `+7 9${digits}` };
}

async function customer(api: APIRequestContext, who: Person): Promise<{ token: string; rub: string }> {
  const registered = await api.post(`${BASE}/api/auth/register`, { data: { email: who.email, password: who.password, full_name: who.name, phone: who.phone } });
  expect(registered.status(), await registered.text()).toBe(202);
  const link = new URL(await linkFromMail(api, who.email, "activate"));
  const activated = await api.post(`${BASE}/api/auth/activate`, { data: { token: link.searchParams.get("token") } });
  expect(activated.status(), await activated.text()).toBe(200);
  const token = await apiLogin(api, who);
  // A 503 (a cold function behind a busy machine) is retried under the same key, as the SPA does.
  const key = randomUUID();
  let opened = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(token), "Idempotency-Key": key }, data: { currency: "RUB" } });
  for (let attempt = 0; attempt < 3 && opened.status() === 503; attempt++)
    opened = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(token), "Idempotency-Key": key }, data: { currency: "RUB" } });
  expect(opened.status(), await opened.text()).toBe(201);
  return { token, rub: (await opened.json()).id };
}

/** Wakes the functions this spec calls (a cold start on a busy machine can outlast a request's timeout). */
async function warm(api: APIRequestContext) {
  for (const service of ["auth", "accounts", "ledger", "office", "customer", "utilities"])
    await api.get(`${BASE}/api/${service}/health`, { timeout: 90_000 }).catch(() => undefined);
}

async function signIn(page: Page, who: Person) {
  await page.goto("/banking-service/sign-in/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(who.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/lk\/$/);
}

for (const viewport of [
  { name: "desktop", width: 1280, height: 860 },
  { name: "phone", width: 390, height: 844 },
]) {
  test.describe(viewport.name, () => {
    const sender = person("s", "Иванова Анна Сергеевна");
    const recipient = person("r", "Сидоров Пётр Ильич");
    let api: APIRequestContext;
    let page: Page;
    let senderRub: string;
    let recipientRub: string;
    let recipientToken: string;

    test.beforeAll(async ({ browser, playwright }) => {
      test.setTimeout(300_000);
      api = await playwright.request.newContext();
      await warm(api);
      const made = await customer(api, sender);
      senderRub = made.rub;
      const other = await customer(api, recipient);
      recipientRub = other.rub;
      recipientToken = other.token;
      await topUp(api, await apiLogin(api, demoUser("employee")), senderRub, "20000.00", "RUB");
      page = await browser.newPage({ viewport: { width: viewport.width, height: viewport.height } });
      await signIn(page, sender);
    });

    test.afterAll(async () => {
      await page?.close();
      await api?.dispose();
    });

    test("transfer by phone typed as 8 9…: confirm names the recipient, then a receipt with its PDF", async () => {
      await page.goto("/lk/transfer/");
      await page.getByText("По телефону", { exact: true }).click();
      await page.getByTestId("to-phone").fill(`8 ${recipient.phone.slice(3, 6)} ${recipient.phone.slice(6, 9)}-${recipient.phone.slice(9, 11)}-${recipient.phone.slice(11)}`);
      await page.getByTestId("amount").fill("1 500,25");
      await shot(page, `pay-${viewport.name}-01-transfer-form`);
      await page.getByTestId("review").click();
      const confirm = page.getByTestId("transfer-confirm");
      await expect(page.getByTestId("recipient-name")).toHaveText("Пётр С.");
      await expect(confirm).toContainText(/0,00\s₽/);
      await expect(confirm).toContainText(/1\s500,25\s₽/);
      await shot(page, `pay-${viewport.name}-02-transfer-confirm`);
      await page.getByTestId("pay").dblclick();
      const done = page.getByTestId("transfer-done");
      await expect(done).toContainText("Квитанция");
      const operation = (await page.getByTestId("operation-id").textContent())!.trim();
      await shot(page, `pay-${viewport.name}-03-transfer-receipt`);
      const download = page.waitForEvent("download");
      await page.getByTestId("receipt-pdf").click();
      const pdf = await download;
      expect(pdf.suggestedFilename()).toBe(`receipt-${operation}.pdf`);
      const received = (await accountsOf(api, recipientToken)).find((a) => a.id === recipientRub)!;
      expect(received.balance!.amount).toBe("1500.25");
      await page.getByTestId("repeat").click();
      await expect(page.getByTestId("to-phone")).not.toHaveValue("");
      await expect(page.getByTestId("amount")).toHaveValue("1 500,25");
    });

    test("requisites and a statement of the account", async () => {
      await page.goto(`/lk/account/?id=${senderRub}`);
      const requisites = page.getByTestId("requisites");
      await expect(requisites).toContainText("044525999");
      await expect(requisites).toContainText("30101810400000000999");
      await expect(requisites).toContainText(sender.name);
      const download = page.waitForEvent("download");
      await page.getByTestId("requisites-pdf").click();
      expect((await download).suggestedFilename()).toMatch(/^requisites-\d{20}\.pdf$/);
      await page.getByTestId("statement-make").click();
      const link = page.getByTestId("statement-link");
      await expect(link).toContainText("операций: 2");
      const stored = await api.get((await link.getAttribute("href"))!);
      expect(stored.status()).toBe(200);
      expect((await stored.body()).subarray(0, 5).toString()).toBe("%PDF-");
      await shot(page, `pay-${viewport.name}-04-requisites-statement`);
    });

    test("ЖКХ: provider, payer code, amount, confirm, result, history", async () => {
      await page.goto("/lk/utilities/");
      await page.getByTestId("bill-provider").click();
      await page.getByRole("option", { name: /Мосводоканал/ }).click();
      await page.getByTestId("bill-payer").fill("12345678");
      await page.getByTestId("bill-amount").fill("850,40");
      await shot(page, `pay-${viewport.name}-05-bill-form`);
      await page.getByTestId("bill-review").click();
      await expect(page.getByTestId("bill-confirm")).toContainText("Мосводоканал");
      await page.getByTestId("bill-pay").dblclick();
      await expect(page.getByTestId("bill-done")).toBeVisible();
      await expect(page.getByTestId("bill-row").first()).toContainText("Мосводоканал");
      await expect(page.getByTestId("bill-row")).toHaveCount(1);
      await shot(page, `pay-${viewport.name}-06-bill-done`);
    });
  });
}
