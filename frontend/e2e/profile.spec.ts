// Issue 14 item 5 (profile): a customer changes the password and signs in with the new one; two browsers show
// two sessions; signing the other one out ends it at once: its access token is refused (401 session_revoked)
// and that browser shows the sign-in. A fresh customer of its own; axe-core and screenshots on every screen.
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { BASE, bearer, expectAccessible, linkFromMail, shot } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me = { email: `profile-${run}@example.com`, password: `Sever-${run}-2026`, full_name: "Сидорова Анна Петровна" };
const newPassword = `Yug-${run}-2027`;
let api: APIRequestContext;
let laptop: BrowserContext;
let phone: BrowserContext;
let phoneToken = "";

/** Signs in through the form; the access token the SPA received (kept in its memory only). */
async function signIn(page: Page, password: string): Promise<string> {
  await page.goto("/banking-service/sign-in/");
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(me.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/auth/login")),
    page.getByRole("button", { name: "Войти" }).click(),
  ]);
  expect(answer.status(), await answer.text()).toBe(200);
  await expect(page).toHaveURL(/\/lk\/$/);
  return (await answer.json()).access_token;
}

test.beforeAll(async ({ browser, playwright }) => {
  api = await playwright.request.newContext();
  const registered = await api.post(`${BASE}/api/auth/register`, { data: { email: me.email, password: me.password, full_name: me.full_name } });
  expect(registered.status(), await registered.text()).toBe(202);
  const token = new URL(await linkFromMail(api, me.email, "activate")).searchParams.get("token");
  const activated = await api.post(`${BASE}/api/auth/activate`, { data: { token } });
  expect(activated.status(), await activated.text()).toBe(200);
  laptop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
});

test.afterAll(async () => {
  await laptop?.close();
  await phone?.close();
  await api?.dispose();
});

test("the password is changed on the profile (a wrong current one is refused by its code), then signs in", async () => {
  const page = await laptop.newPage();
  await signIn(page, me.password);
  await page.goto("/lk/profile/");
  const form = page.getByTestId("password-change");
  await expect(form).toBeVisible({ timeout: 45_000 });
  await expectAccessible(page, "profile");
  await shot(page, "profile-security");

  await form.getByRole("textbox", { name: "Текущий пароль", exact: true }).fill("Not-my-password-1");
  await form.getByRole("textbox", { name: "Новый пароль", exact: true }).fill(newPassword);
  await form.getByRole("textbox", { name: "Новый пароль ещё раз", exact: true }).fill(newPassword);
  await page.getByTestId("password-submit").click();
  await expect(page.getByTestId("password-error")).toHaveText("Текущий пароль указан неверно.");
  await expectAccessible(page, "profile: wrong current password");

  await form.getByRole("textbox", { name: "Текущий пароль", exact: true }).fill(me.password);
  await page.getByTestId("password-submit").click();
  await expect(page.getByText(/Пароль изменён\. Завершено других сеансов/)).toBeVisible(); // not the notice-kind cell
  await expect(page.getByTestId("password-error")).toHaveCount(0);

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/banking-service\/$/);
  const old = await api.post(`${BASE}/api/auth/login`, { data: { email: me.email, password: me.password } });
  expect(old.status()).toBe(401);
  await signIn(page, newPassword);
});

test("two browsers are two sessions; signing the other out ends it at once", async () => {
  const phonePage = await phone.newPage();
  phoneToken = await signIn(phonePage, newPassword);
  expect((await api.get(`${BASE}/api/auth/me`, { headers: bearer(phoneToken) })).status()).toBe(200);

  const page = laptop.pages()[0];
  await page.goto("/lk/profile/");
  const rows = page.getByTestId("session-row");
  await expect(rows).toHaveCount(2, { timeout: 45_000 }); // a cold page: refresh, /me, then the list
  await expect(page.locator('[data-testid="session-row"][data-current="true"]')).toHaveCount(1);
  await expect(page.getByTestId("sessions")).toContainText("Этот сеанс");
  await expectAccessible(page, "profile: sessions");
  await shot(page, "profile-sessions");

  await page.locator('[data-testid="session-row"][data-current="false"]').getByTestId("session-sign-out").click();
  await expect(page.getByRole("dialog")).toContainText("Завершить сеанс");
  await expectAccessible(page, "profile: sign a session out");
  await page.getByTestId("session-confirm").click();
  await expect(rows).toHaveCount(1);
  await expect(page.getByText("Других активных сеансов нет.")).toBeVisible();

  const refused = await api.get(`${BASE}/api/auth/me`, { headers: bearer(phoneToken) });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).code).toBe("session_revoked");
  await phonePage.reload();
  await expect(phonePage).toHaveURL(/\/banking-service\/sign-in\//);
  await expect(phonePage.getByRole("button", { name: "Войти" })).toBeVisible();
  await expectAccessible(phonePage, "the signed-out phone");
  await shot(phonePage, "profile-signed-out-phone");
});

test("a card is blocked as stolen: the reason is asked for, shown on the card, and the customer cannot unblock it", async () => {
  const page = laptop.pages()[0];
  const token = await (async () => {
    const res = await api.post(`${BASE}/api/auth/login`, { data: { email: me.email, password: newPassword } });
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()).access_token as string;
  })();
  const opened = await api.post(`${BASE}/api/accounts/open`, {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: { product_code: "current", currency: "RUB" },
  });
  expect(opened.status(), await opened.text()).toBe(201);
  const accountId = (await opened.json()).id as string;
  const issued = await api.post(`${BASE}/api/accounts/${accountId}/cards`, { headers: { ...bearer(token), "Idempotency-Key": randomUUID() } });
  expect(issued.status(), await issued.text()).toBe(201);
  const cardId = (await issued.json()).id as string;

  await page.goto(`/lk/account/?id=${accountId}`);
  await expect(page.getByTestId("card-block")).toBeVisible({ timeout: 45_000 });
  await page.getByTestId("card-block").click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Причина блокировки");
  await expect(page.getByTestId("card-confirm")).toBeDisabled(); // no reason, no block
  await page.getByRole("radio", { name: "Украдена" }).check();
  await expect(dialog).toContainText("нельзя будет разблокировать");
  await expectAccessible(page, "card block reason dialog");
  await shot(page, "profile-card-block-reason");
  await page.getByTestId("card-confirm").click();
  await expect(page.getByTestId("bank-card")).toContainText("Заблокирована · Украдена");
  await expect(page.getByTestId("card-final-block")).toBeVisible();
  await expect(page.getByTestId("card-unblock")).toHaveCount(0);
  await page.reload(); // the state is the server's, not the dialog's (and the toast is gone)
  await expect(page.getByTestId("bank-card")).toContainText("Заблокирована · Украдена", { timeout: 45_000 });
  await expect(page.getByTestId("card-final-block")).toBeVisible();
  await expectAccessible(page, "card blocked as stolen");
  await shot(page, "profile-card-stolen");

  const unblock = await api.post(`${BASE}/api/accounts/cards/${cardId}/unblock`, { headers: bearer(token) });
  expect(unblock.status()).toBe(409);
  expect((await unblock.json()).code).toBe("card_block_final");
});
