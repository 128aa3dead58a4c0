// Top-up from another bank's card in a real browser against the running stack (docs/payments.md "Money in"): a new
// customer (signed up and activated through the API and the SES mail) opens «Пополнить с карты другого банка» on
// the account page, is sent to the acquirer stand-in's hosted payment page, pays with the success test card and
// comes back to /lk/topup/return/, which says the account was credited; the balance shows it. A second top-up with
// the insufficient-funds card comes back declined in words and credits nothing. axe-core on every page, the
// acquirer's included. Every step runs: a skipped or fixme'd step fails the browser tier (tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, bearer, expectAccessible, shot, signInOnPage, signUpCustomer } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me = { email: `acquiring-${run}@example.com`, password: `Sever-${run}-2026` };
let page: Page;
let api: APIRequestContext;
let accountId: string;

async function payOnTheAcquirersPage(amount: string, card: string) {
  await page.goto(`/lk/account/?id=${accountId}`);
  await page.getByTestId("card-topup-open").click();
  const dialog = page.getByRole("dialog", { name: "Пополнение с карты другого банка" });
  await dialog.getByRole("textbox", { name: "Сумма, ₽" }).fill(amount);
  await expectAccessible(page, "the card top-up dialog");
  await dialog.getByRole("button", { name: "Перейти к оплате" }).click();
  await expect(page.getByRole("heading", { name: "Оплата картой / Card payment" })).toBeVisible();
  await expect(page.getByTestId("amount")).toHaveText(`${amount} RUB`);
  await expectAccessible(page, "the acquirer's payment page");
  await page.getByLabel("Номер карты / Card number").fill(card);
  await page.getByLabel("Срок / Expiry (MM/YY)").fill("12/39");
  await page.getByLabel("CVC").fill("123");
  await page.getByLabel("Владелец / Cardholder").fill("PETR PETROV");
  await page.getByRole("button", { name: "Оплатить / Pay" }).click();
  await expect(page).toHaveURL(/\/lk\/topup\/return\/\?topup=/);
}

test.beforeAll(async ({ browser, playwright }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  api = await playwright.request.newContext();
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("a new customer with a rouble account signs in", async () => {
  const access = await signUpCustomer(api, me, "Петров Пётр Петрович", `+7 9${run.replace(/\D/g, "").padEnd(9, "5").slice(0, 9)}`);
  const opened = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(access), "Idempotency-Key": randomUUID() }, data: { currency: "RUB" } });
  expect(opened.status(), await opened.text()).toBe(201);
  accountId = (await opened.json()).id;
  await signInOnPage(page, me);
});

test("pays 1 500 ₽ with another bank's card on the acquirer's page and comes back credited", async () => {
  await payOnTheAcquirersPage("1500.00", "4111 1111 1111 1111");
  const done = page.getByTestId("topup-succeeded");
  await expect(done).toContainText("Готово: счёт пополнен на 1 500,00", { timeout: 60_000 });
  await expect(done).toContainText("•••• 1111");
  await expectAccessible(page, "the top-up return page (success)");
  await shot(page, "acquiring-01-success");
  await page.getByTestId("topup-to-account").click();
  await expect(page.getByTestId("account-balance")).toContainText("1 500,00");
});

test("a card without enough money is declined in words and credits nothing", async () => {
  await payOnTheAcquirersPage("700.00", "4000 0000 0000 0002");
  const failed = page.getByTestId("topup-failed");
  await expect(failed).toContainText("Оплата не прошла: на карте недостаточно средств", { timeout: 60_000 });
  await expectAccessible(page, "the top-up return page (declined)");
  await shot(page, "acquiring-02-declined");
  await page.getByText("EN", { exact: true }).first().click();
  await expect(failed).toContainText("insufficient funds on the card");
  await page.getByTestId("topup-to-account").click();
  await expect(page.getByTestId("account-balance")).toContainText("1,500.00");
});
