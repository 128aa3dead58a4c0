// A card top-up the ledger refuses is returned to the card (docs/payments.md "Money in", refunds of refused
// credits), in a real browser against the running stack: a new customer opens an empty rouble account, starts
// «Пополнить с карты другого банка» and pays on the acquirer stand-in's page while its webhooks are held back; the
// account is closed meanwhile (through the API, as the customer). Released, the webhook finds the ledger refusing
// the credit and the bank refunds the card: /lk/topup/return/ says «Платёж возвращён на карту •• 1111» and why, in
// Russian and in English. axe-core on every page. Every step runs (tests/e2e/test_browser.py fails a skipped one).
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { BASE, bearer, desktopSession, expectAccessible, shot, signInOnPage, signUpCustomer } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me = { email: `refunds-${run}@example.com`, password: `Sever-${run}-2026` };
const session = desktopSession();
let access: string;
let accountId: string;

test("a new customer with an empty rouble account signs in", async () => {
  const { page, api } = session;
  access = await signUpCustomer(api, me, "Сидоров Сидор Сидорович", `+7 9${run.replace(/\D/g, "").padEnd(9, "7").slice(0, 9)}`);
  const opened = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(access), "Idempotency-Key": randomUUID() }, data: { currency: "RUB" } });
  expect(opened.status(), await opened.text()).toBe(201);
  accountId = (await opened.json()).id;
  await signInOnPage(page, me);
});

test("the account closed while the card paid: the payment is returned to the card", async () => {
  const { page, api } = session;
  await page.goto(`/lk/account/?id=${accountId}`);
  await page.getByTestId("card-topup-open").click();
  const dialog = page.getByRole("dialog", { name: "Пополнение с карты другого банка" });
  await dialog.getByRole("textbox", { name: "Сумма, ₽" }).fill("800.00");
  await dialog.getByRole("button", { name: "Перейти к оплате" }).click();
  await expect(page.getByRole("heading", { name: "Оплата картой / Card payment" })).toBeVisible();
  await expectAccessible(page, "the acquirer's payment page");
  const acquirer = new URL(page.url()).origin;
  const hold = async (held: boolean) => expect((await api.post(`${acquirer}/__webhooks/hold`, { data: { held } })).status()).toBe(200);
  await hold(true);
  try {
    await page.getByLabel("Номер карты / Card number").fill("4111 1111 1111 1111");
    await page.getByLabel("Срок / Expiry (MM/YY)").fill("12/39");
    await page.getByLabel("CVC").fill("123");
    await page.getByLabel("Владелец / Cardholder").fill("SIDOR SIDOROV");
    await page.getByRole("button", { name: "Оплатить / Pay" }).click();
    await expect(page).toHaveURL(/\/lk\/topup\/return\/\?topup=/);
    const closed = await api.post(`${BASE}/api/accounts/${accountId}/close`, { headers: bearer(access) });
    expect(closed.status(), await closed.text()).toBe(200);
  } finally {
    await hold(false);
  }
  const refunded = page.getByTestId("topup-refunded");
  await expect(refunded).toContainText("Платёж возвращён на карту •• 1111.", { timeout: 60_000 });
  await expect(refunded).toContainText("счёт закрыт");
  await expectAccessible(page, "the top-up return page (refunded)");
  await shot(page, "refunds-01-refunded");
  await page.getByText("EN", { exact: true }).first().click();
  await expect(refunded).toContainText("The payment was returned to the card •• 1111.");
  await expect(refunded).toContainText("the account is closed");
});
