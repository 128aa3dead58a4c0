// Standing orders (autopay) and payment templates in a real browser against the running stack (issue 17):
// a new customer (registered and activated through the API and the SES mail) with a topped-up account sets up a
// monthly standing order and sees it listed, cancels it; saves a template, renames it, pays from it (the transfer
// form opens prefilled and the payment goes through the form as usual) and deletes it; opens a savings account
// and sees its rate and interest.
// Every step runs: a skipped or fixme'd step fails the browser tier (tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, accountsOf, apiLogin, bearer, demoUser, linkFromMail, shot, topUp, type DemoUser } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me: DemoUser = { email: `products-${run}@example.com`, password: `Sever-${run}-2026` };
let page: Page;
let api: APIRequestContext;
let payee: { number: string };

async function newCustomer(user: DemoUser, phoneDigits: string): Promise<string> {
  const res = await api.post(`${BASE}/api/auth/register`, {
    data: { email: user.email, password: user.password, full_name: "Петрова Мария Ивановна", phone: `+7 9${phoneDigits}` },
  });
  expect(res.status(), await res.text()).toBeLessThan(300);
  const link = new URL(await linkFromMail(api, user.email, "activate"));
  const activated = await api.post(`${BASE}/api/auth/activate`, { data: { token: link.searchParams.get("token") } });
  expect(activated.status(), await activated.text()).toBe(200);
  const token = await apiLogin(api, user);
  const opened = await api.post(`${BASE}/api/accounts/open`, {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: { currency: "RUB" },
  });
  expect(opened.status(), await opened.text()).toBe(201);
  return token;
}

function digits(seed: string): string {
  return seed.replace(/\D/g, "").padEnd(9, "3").slice(0, 9);
}

test.beforeAll(async ({ browser, playwright }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  api = await playwright.request.newContext();
  const token = await newCustomer(me, digits(run));
  const other: DemoUser = { email: `products-payee-${run}@example.com`, password: `Sever-${run}-2027` };
  const payeeToken = await newCustomer(other, digits(`7${run}`));
  payee = (await accountsOf(api, payeeToken))[0]!;
  const mine = (await accountsOf(api, token))[0]!;
  await topUp(api, await apiLogin(api, demoUser("employee")), mine.id, "5000.00", "RUB");
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("sign in", async () => {
  await page.goto("/banking-service/sign-in/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(me.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(me.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page).toHaveURL(/\/lk\/$/);
});

test("a monthly standing order is set up, listed and cancelled", async () => {
  await page.getByRole("link", { name: "Автоплатежи" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Автоплатежи");
  await expect(page.getByText("Автоплатежей пока нет")).toBeVisible();
  const form = page.getByTestId("autopay-form");
  await form.getByRole("textbox", { name: "Название" }).fill("Квартплата");
  await form.getByRole("textbox", { name: "Номер счёта получателя" }).fill(payee.number);
  await form.getByRole("textbox", { name: "Сумма" }).fill("1200");
  await form.getByRole("textbox", { name: /День месяца/ }).fill("31");
  await form.getByRole("button", { name: "Создать" }).click();
  await expect(page.getByText("Автоплатёж создан")).toBeVisible();
  const item = page.getByTestId("autopay-item").filter({ hasText: "Квартплата" });
  await expect(item).toContainText("Каждый месяц");
  await expect(item).toContainText("Действует");
  await shot(page, "products-01-autopay");
  await item.getByRole("button", { name: "Отменить" }).click();
  await expect(item).toContainText("Отменён");
});

test("a template is saved, renamed, paid from through the transfer form, and deleted", async () => {
  await page.getByRole("link", { name: "Шаблоны" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Шаблоны платежей");
  const form = page.getByTestId("template-form");
  await form.getByRole("textbox", { name: "Название" }).fill("Маме");
  await form.getByRole("textbox", { name: "Номер счёта получателя" }).fill(payee.number);
  await form.getByRole("textbox", { name: "Сумма" }).fill("300");
  await form.getByRole("button", { name: "Сохранить шаблон" }).click();
  const item = page.getByTestId("template-item").filter({ hasText: "Маме" });
  await expect(item).toContainText(payee.number);

  await item.getByRole("button", { name: "Переименовать" }).click();
  await page.getByRole("textbox", { name: "Новое название" }).fill("Маме на продукты");
  await page.getByRole("button", { name: "Переименовать" }).click();
  const renamed = page.getByTestId("template-item").filter({ hasText: "Маме на продукты" });
  await expect(renamed).toBeVisible();
  await shot(page, "products-02-templates");

  await renamed.getByRole("link", { name: "Оплатить" }).click();
  await expect(page).toHaveURL(/\/lk\/transfer\//);
  const transfer = page.getByTestId("transfer-form");
  await expect(transfer.getByRole("textbox", { name: "Номер счёта получателя" })).toHaveValue(payee.number);
  await expect(transfer.getByRole("textbox", { name: "Сумма" })).toHaveValue("300.00");
  await page.getByTestId("review").click();  // the confirm step (recipient, amount, fee) comes first
  await page.getByTestId("pay").click();
  await expect(page.getByTestId("transfer-done")).toBeVisible();

  await page.getByRole("link", { name: "Шаблоны" }).first().click();
  await page.getByTestId("template-item").filter({ hasText: "Маме на продукты" }).getByRole("button", { name: "Удалить" }).click();
  await expect(page.getByText("Шаблонов пока нет")).toBeVisible();
});

test("a savings account shows its yearly rate and this month's interest", async () => {
  const token = await apiLogin(api, me);
  const opened = await api.post(`${BASE}/api/accounts/open`, {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: { currency: "RUB", product_code: "savings" },
  });
  expect(opened.status(), await opened.text()).toBe(201);
  await page.getByRole("link", { name: "Накопления" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Проценты по накопительным счетам");
  const item = page.getByTestId("savings-item");
  await expect(item).toContainText("Ставка годовых");
  await expect(item).toContainText("Начислено в этом месяце");
  await expect(item).toContainText(/0,00\s₽|0.00/);
  await shot(page, "products-03-savings");
});
