// The back office's product views in a real browser against the running stack (docs/back-office.md): a new
// customer (signed up through the API) has an account with money, a card with a purchase, a monthly standing
// order and a template. A fresh employee (created by the demo admin through the API) opens the customer card,
// sees the order and the template, cancels the order with a reason, opens the card's limits and purchases and
// changes the daily limit with a reason. A fresh admin opens /office/savings/ and schedules a rate.
// Every step runs: a skipped or fixme'd step fails the browser tier (tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, apiLogin, bearer, demoUser, expectAccessible, shot, signUpCustomer, topUp } from "./support";

test.describe.configure({ mode: "serial" });

const here = path.dirname(fileURLToPath(import.meta.url));
const STACK = process.env.E2E_STACK ?? path.resolve(here, "../../.local/stack.json");
const run = randomUUID().slice(0, 8);
const customer = { email: `offp-${run}@example.com`, password: `Sever-${run}-2026` };
const employee = { email: `offp-emp-${run}@example.com`, password: `Desk-${run}-2026!` };
const admin = { email: `offp-adm-${run}@example.com`, password: `Root-${run}-2026!` };
let page: Page;
let api: APIRequestContext;
let customerId: string;
let cardId: string;

function subjectOf(token: string): string {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub;
}

async function signIn(who: { email: string; password: string }, where: string) {
  await page.goto(where);
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(who.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByTestId("office-shell")).toBeVisible();
}

test.beforeAll(async ({ browser, playwright }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  api = await playwright.request.newContext();
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("a customer with money, a card purchase, a standing order and a template; fresh staff", async () => {
  const phone = `+7 9${run.replace(/\D/g, "").padEnd(9, "5").slice(0, 9)}`;
  const access = await signUpCustomer(api, customer, "Смирнова Анна Ивановна", phone);
  customerId = subjectOf(access);
  const open = async () => {
    const res = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(access), "Idempotency-Key": randomUUID() }, data: { currency: "RUB" } });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()) as { id: string; number: string };
  };
  const source = await open();
  const target = await open();
  const demoAdmin = await apiLogin(api, demoUser("admin"));
  for (const [who, roles] of [
    [employee, ["employee"]],
    [admin, ["admin"]],
  ] as const) {
    const made = await api.post(`${BASE}/api/office/employees`, { headers: bearer(demoAdmin), data: { ...who, full_name: `Сотрудник ${run}`, roles } });
    expect(made.status(), await made.text()).toBe(201);
  }
  await topUp(api, await apiLogin(api, employee), source.id, "2000.00", "RUB");
  const issued = await api.post(`${BASE}/api/accounts/${source.id}/cards`, { headers: { ...bearer(access), "Idempotency-Key": randomUUID() } });
  expect(issued.status(), await issued.text()).toBe(201);
  cardId = (await issued.json()).id;
  const network = JSON.parse(readFileSync(STACK, "utf8")).card_network_url as string;
  const bought = await api.post(`${network}/purchase`, { data: { card_ref: cardId, amount: "150.00", currency: "RUB", merchant: "Азбука Вкуса", mcc: "5411" } });
  expect(bought.status(), await bought.text()).toBe(200);
  const start = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
  const order = await api.post(`${BASE}/api/accounts/standing-orders`, {
    headers: { ...bearer(access), "Idempotency-Key": randomUUID() },
    data: { name: "Квартплата", from_account_id: source.id, to_account_number: target.number, amount: "300.00", currency: "RUB", frequency: "monthly", start_date: start },
  });
  expect(order.status(), await order.text()).toBe(201);
  const template = await api.post(`${BASE}/api/accounts/templates`, { headers: bearer(access), data: { name: "Маме", kind: "p2p_phone", to_phone: "+79001234567", currency: "RUB" } });
  expect(template.status(), await template.text()).toBe(201);
});

test("the employee sees the customer's products and cancels the standing order with a reason", async () => {
  await signIn(employee, "/office/");
  await page.goto(`/office/customer/?id=${customerId}`);
  const products = page.getByTestId("office-products");
  const order = products.getByTestId("office-standing-order");
  await expect(order).toContainText("Квартплата", { timeout: 60_000 }); // office → accounts, cold on a busy stack
  await expect(order).toContainText("Каждый месяц");
  await expect(order).toContainText("Исполнений ещё не было");
  await expect(products.getByTestId("office-templates")).toContainText("Маме");
  await expectAccessible(page, "office customer card with products");
  await shot(page, "offproducts-01-customer-products");
  await order.getByTestId("office-order-cancel").click();
  const dialog = page.getByTestId("confirm-reason");
  await expect(dialog).toContainText("Квартплата");
  await dialog.getByTestId("confirm-reason-text").fill("Клиент попросил в отделении");
  await expectAccessible(page, "cancel standing order dialog");
  await dialog.getByTestId("confirm-reason-submit").click();
  await expect(page.getByTestId("office-standing-order")).toHaveAttribute("data-status", "cancelled");
  await expect(page.getByTestId("office-standing-order")).toContainText("Отменён");
});

test("the employee opens the card's purchases and changes its daily limit with a reason", async () => {
  const card = page.locator(`[data-card-id="${cardId}"]`);
  await card.getByTestId("office-card-spending-toggle").click();
  const spending = card.getByTestId("office-card-spending");
  const purchases = spending.getByTestId("office-card-purchases");
  await expect(purchases).toContainText("Азбука Вкуса", { timeout: 60_000 });
  await expect(purchases).toContainText("MCC 5411");
  await expect(purchases).toContainText("Супермаркеты");
  await spending.getByTestId("office-limit-daily").fill("700");
  await spending.getByTestId("office-limits-edit").click();
  const dialog = page.getByTestId("confirm-reason");
  await expect(dialog).toContainText("в день 700");
  await dialog.getByTestId("confirm-reason-text").fill("Подозрительные операции");
  await dialog.getByTestId("confirm-reason-submit").click();
  await expect(spending.getByText("Лимиты карты изменены")).toBeVisible();
  await expect(spending.getByTestId("office-limit-daily")).toHaveValue("700.00");
  await expectAccessible(page, "office card limits and purchases");
  await shot(page, "offproducts-02-card-limits");
});

test("the admin schedules a savings rate on /office/savings/", async () => {
  await page.goto("/office/");
  await page.getByRole("button", { name: "Выйти" }).click();
  await signIn(admin, "/office/savings/");
  const section = page.getByTestId("office-savings");
  await expect(section.getByTestId("savings-product").filter({ hasText: "savings" }).getByTestId("savings-current")).toContainText("%", { timeout: 60_000 });
  const day = String(1 + (parseInt(run.slice(0, 4), 16) % 28)).padStart(2, "0");
  const from = `2090-01-${day}`;
  await section.getByTestId("savings-rate-product").fill("savings");
  await section.getByTestId("savings-rate-percent").fill("6.25");
  await section.getByTestId("savings-rate-from").fill(from);
  await section.getByTestId("savings-rate-set").click();
  const dialog = page.getByTestId("confirm-reason");
  await expect(dialog).toContainText("6.25 %");
  await dialog.getByTestId("confirm-reason-text").fill("Решение комитета по ставкам");
  await dialog.getByTestId("confirm-reason-submit").click();
  await expect(section.getByText("Ставка установлена")).toBeVisible();
  await expect(section.getByTestId("savings-scheduled").filter({ hasText: from })).toContainText("6.25 %");
  await expect(section.getByTestId("savings-history").getByRole("row").filter({ hasText: from })).toContainText("Решение комитета по ставкам");
  await expectAccessible(page, "office savings rates");
  await shot(page, "offproducts-03-savings-rates");
  await page.getByText("EN", { exact: true }).first().click();
  await expect(section.getByText("Rate history")).toBeVisible();
});
