// Issue 15 item 4 (part A) in a real browser: maker-checker through the /office screens. Employee A (created
// here by the demo admin through the API) asks for a large cash top-up → it waits; A cannot approve their own
// request; employee B approves it → the balance changed once; a reversal requested from the customer card's
// history the same way; the emptied account is closed through the confirm dialog. Screenshots and axe-core on
// every page.
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, apiLogin, bearer, demoUser, expectAccessible, shot, type DemoUser } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const makerUser: DemoUser = { email: `e2e-maker-${run}@example.com`, password: `Maker-${run}-2026!` };
const checkerUser: DemoUser = { email: `e2e-checker-${run}@example.com`, password: `Checker-${run}-2026!` };
const LARGE = "150000";
let api: APIRequestContext;
let page: Page;
let checkerToken: string;
let customerId = "";
let accountId = "";

async function createEmployee(adminToken: string, who: DemoUser, name: string) {
  const res = await api.post(`${BASE}/api/office/employees`, { headers: bearer(adminToken), data: { email: who.email, password: who.password, full_name: name, roles: ["employee"] } });
  expect(res.status(), await res.text()).toBe(201);
}

async function balance(): Promise<string> {
  const res = await api.get(`${BASE}/api/office/customers/${customerId}`, { headers: bearer(checkerToken) });
  expect(res.status()).toBe(200);
  const account = (await res.json()).accounts.find((a: { id: string }) => a.id === accountId);
  return account.balance.amount;
}

async function officeSignIn(who: DemoUser) {
  await page.goto("/office/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(who.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByTestId("office-shell")).toContainText("Рабочее место сотрудника");
}

async function signOut() {
  await page.getByRole("button", { name: "Выйти" }).click();
  await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
}

async function confirmWith(testId: string, reason: string) {
  const dialog = page.getByTestId(testId);
  await expect(dialog).toBeVisible();
  await dialog.getByTestId(`${testId}-text`).fill(reason);
  await dialog.getByTestId(`${testId}-submit`).click();
}

/** The pending request of this test: the top-up links to our customer, the reversal names our account. */
function queueCard(kind: "topup" | "reversal") {
  const pending = page.locator(`[data-testid="approval"][data-kind="${kind}"][data-status="pending"]`);
  return kind === "topup" ? pending.filter({ has: page.locator(`a[href*="${customerId}"]`) }) : pending.filter({ hasText: accountId });
}

test.beforeAll(async ({ browser, playwright }) => {
  api = await playwright.request.newContext();
  const adminToken = await apiLogin(api, demoUser("admin"));
  await createEmployee(adminToken, makerUser, "Анна Кассир");
  await createEmployee(adminToken, checkerUser, "Борис Контролёр");
  const makerToken = await apiLogin(api, makerUser);
  checkerToken = await apiLogin(api, checkerUser);
  const created = await api.post(`${BASE}/api/office/customers`, { headers: bearer(makerToken), data: { email: `e2e-appr-cust-${run}@example.com`, full_name: "Пётр Вкладчиков" } });
  expect(created.status(), await created.text()).toBe(201);
  customerId = (await created.json()).id;
  const opened = await api.post(`${BASE}/api/office/customers/${customerId}/accounts`, { headers: { ...bearer(makerToken), "Idempotency-Key": randomUUID() }, data: { currency: "RUB" } });
  expect(opened.status(), await opened.text()).toBe(201);
  accountId = (await opened.json()).id;
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("employee A asks for a large cash top-up: confirm step, then it waits for approval", async () => {
  await officeSignIn(makerUser);
  await page.goto(`/office/customer/?id=${customerId}`);
  const account = page.locator(`[data-testid="office-account"][data-account-id="${accountId}"]`);
  await expect(account).toBeVisible();
  await expectAccessible(page, "office customer card");
  await shot(page, "approvals-01-customer-card");
  await account.getByTestId("topup-amount").fill(LARGE);
  await account.getByTestId("topup-submit").click();
  await expect(page.getByTestId("topup-confirm")).toContainText("Пётр Вкладчиков");
  await expectAccessible(page, "top-up confirm dialog");
  await shot(page, "approvals-02-topup-confirm");
  await confirmWith("topup-confirm", "Клиент внёс наличные в кассу");
  await expect(account.getByTestId("topup-pending")).toContainText("ждёт подтверждения другого сотрудника");
  expect(await balance()).toBe("0.00");
});

test("A cannot approve their own request: the button is disabled and says why", async () => {
  await page.getByRole("link", { name: "Открыть очередь подтверждений" }).click();
  await expect(page).toHaveURL(/\/office\/approvals\/?$/);
  const mine = queueCard("topup");
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId("approval-approve")).toBeDisabled();
  await expect(mine.getByTestId("approval-own")).toContainText("одобрить его должен другой сотрудник");
  await expectAccessible(page, "approvals queue (maker)");
  await shot(page, "approvals-03-queue-maker");
  await signOut();
});

test("employee B approves it: the balance changed once", async () => {
  await officeSignIn(checkerUser);
  await page.getByRole("link", { name: "Подтверждения" }).click();
  const request = queueCard("topup");
  await expect(request.getByTestId("approval-approve")).toBeEnabled();
  await request.getByTestId("approval-approve").click();
  await expectAccessible(page, "approve dialog");
  await shot(page, "approvals-04-approve-dialog");
  await confirmWith("approval-confirm", "Сверено с кассовым ордером");
  await expect(page.getByTestId("approvals-notice")).toContainText("Операция одобрена");
  await expect(queueCard("topup")).toHaveCount(0);
  expect(await balance()).toBe("150000.00");
  await page.getByTestId("approvals-filter").getByText("Исполненные", { exact: true }).click();
  await expect(page.locator('[data-testid="approval"][data-status="executed"]').filter({ has: page.locator(`a[href*="${customerId}"]`) })).toHaveCount(1);
  await shot(page, "approvals-05-executed");
  expect(await balance()).toBe("150000.00");
});

test("B requests a reversal from the customer card's history; A approves it", async () => {
  await page.goto(`/office/customer/?id=${customerId}`);
  const row = page.locator('[data-testid="history-row"][data-type="topup"]');
  await expect(row).toHaveCount(1);
  await expectAccessible(page, "customer card with history");
  await shot(page, "approvals-06-history");
  await row.getByTestId("history-reverse").click();
  await confirmWith("reverse-confirm", "Внесено не тому клиенту");
  await expect(page.getByTestId("reversal-requested")).toBeVisible();
  expect(await balance()).toBe("150000.00");
  await signOut();
  await officeSignIn(makerUser);
  await page.goto("/office/approvals/");
  const reversal = queueCard("reversal");
  await reversal.getByTestId("approval-approve").click();
  await confirmWith("approval-confirm", "Подтверждаю отмену");
  await expect(page.getByTestId("approvals-notice")).toContainText("Операция одобрена");
  expect(await balance()).toBe("0.00");
});

test("A closes the emptied account through the confirm dialog", async () => {
  await page.goto(`/office/customer/?id=${customerId}`);
  await expect(page.locator('[data-testid="history-row"][data-type="reversal"]')).toHaveCount(1);
  const account = page.locator(`[data-testid="office-account"][data-account-id="${accountId}"]`);
  await account.getByTestId("account-close").click();
  await expectAccessible(page, "close account dialog");
  await shot(page, "approvals-07-close-dialog");
  await confirmWith("account-close-confirm", "Клиент закрывает счёт");
  await expect(account).toContainText("закрыт");
  await expectAccessible(page, "customer card after closing");
  await shot(page, "approvals-08-closed");
});
