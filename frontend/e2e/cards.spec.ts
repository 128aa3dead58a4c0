// Card spending in a real browser against the running stack (docs/cards.md): a new customer (signed up and
// activated through the API and the SES mail) sets a daily limit of 500 ₽ and switches cash off on the account
// page; the card-network stand-in then sends a purchase within the limit and one over it; the page lists
// both — the first pending, the second declined with its reason — with merchant and category.
// Every step runs: a skipped or fixme'd step fails the browser tier (tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, apiLogin, bearer, demoUser, shot, signUpCustomer, topUp } from "./support";

test.describe.configure({ mode: "serial" });

const here = path.dirname(fileURLToPath(import.meta.url));
const STACK = process.env.E2E_STACK ?? path.resolve(here, "../../.local/stack.json");
const run = randomUUID().slice(0, 8);
const me = { email: `cards-${run}@example.com`, password: `Sever-${run}-2026` };
let page: Page;
let api: APIRequestContext;
let accountId: string;
let cardId: string;

async function purchase(amount: string, merchant: string, mcc: string) {
  const network = JSON.parse(readFileSync(STACK, "utf8")).card_network_url as string;
  const res = await api.post(`${network}/purchase`, { data: { card_ref: cardId, amount, currency: "RUB", merchant, mcc } });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()).response as { response_code: string; reason: string | null };
}

test.beforeAll(async ({ browser, playwright }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  api = await playwright.request.newContext();
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("a new customer with an account, money and a card", async () => {
  const phone = `+7 9${run.replace(/\D/g, "").padEnd(9, "3").slice(0, 9)}`;
  const access = await signUpCustomer(api, me, "Петров Пётр Петрович", phone);
  const opened = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(access), "Idempotency-Key": randomUUID() }, data: { currency: "RUB" } });
  expect(opened.status(), await opened.text()).toBe(201);
  accountId = (await opened.json()).id;
  await topUp(api, await apiLogin(api, demoUser("employee")), accountId, "1000.00", "RUB");
  const issued = await api.post(`${BASE}/api/accounts/${accountId}/cards`, { headers: { ...bearer(access), "Idempotency-Key": randomUUID() } });
  expect(issued.status(), await issued.text()).toBe(201);
  cardId = (await issued.json()).id;
});

test("sets a daily limit and switches cash off on the account page", async () => {
  await page.goto("/banking-service/sign-in/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(me.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(me.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/lk\/$/);
  await page.goto(`/lk/account/?id=${accountId}`);
  const spending = page.getByTestId("card-spending");
  await expect(spending.getByText("Покупок по карте ещё не было")).toBeVisible();
  await spending.getByRole("textbox", { name: "В день, RUB" }).fill("500");
  await spending.getByRole("button", { name: "Сохранить лимиты" }).click();
  await expect(page.getByText("Лимиты сохранены").first()).toBeVisible();
  await spending.getByRole("switch", { name: "Снятие наличных" }).click({ force: true });
  await expect(spending.getByRole("switch", { name: "Снятие наличных" })).not.toBeChecked();
  await page.reload();
  await expect(page.getByTestId("card-spending").getByRole("textbox", { name: "В день, RUB" })).toHaveValue("500.00");
  await shot(page, "cards-01-limits");
});

test("purchases: one within the limit pending, one over it declined with the reason", async () => {
  expect((await purchase("300.00", "Азбука Вкуса", "5411")).response_code).toBe("00");
  const over = await purchase("250.00", "Кофемания", "5814");
  expect([over.response_code, over.reason]).toEqual(["61", "daily_limit_exceeded"]);
  await page.reload();
  const rows = page.getByTestId("card-purchases").getByRole("row");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "Азбука Вкуса" })).toContainText("Супермаркеты");
  await expect(rows.filter({ hasText: "Азбука Вкуса" })).toContainText("Ожидает списания");
  await expect(rows.filter({ hasText: "Кофемания" })).toContainText("Отклонено");
  await expect(rows.filter({ hasText: "Кофемания" })).toContainText("превышен дневной лимит");
  await shot(page, "cards-02-purchases");
});

test("the same page in English", async () => {
  await page.getByText("EN", { exact: true }).first().click();
  await expect(page.getByTestId("card-spending").getByText("Card purchases")).toBeVisible();
  await expect(page.getByTestId("card-purchases").getByRole("row").filter({ hasText: "Кофемания" })).toContainText("daily limit exceeded");
  await expect(page.getByTestId("card-purchases")).toContainText("Groceries");
});
