// Issue 14's screens in a real browser against the running stack, on a desktop and a phone viewport: the inbox
// and its bell, contracts, cards block/unblock, closing an account, the history feed, the rates board with its
// chart, the profile — each with a screenshot and axe-core (zero serious or critical WCAG A/AA findings).
// The customer is created here (sign-up and activation through the API), never a shared demo user.
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, accountsOf, apiLogin, bearer, demoUser, expectAccessible, linkFromMail, shot, topUp, type DemoUser } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const me: DemoUser = { email: `e2e-screens-${run}@example.com`, password: `Screens-${run}-2026` };
let api: APIRequestContext;
let page: Page;
let token: string;
const ids: { rub: string; savings: string; usd: string; empty: string } = { rub: "", savings: "", usd: "", empty: "" };

async function openAccount(product: string, currency: string): Promise<string> {
  const res = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(token), "Idempotency-Key": randomUUID() }, data: { product_code: product, currency } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

async function signIn(p: Page) {
  await p.goto("/banking-service/sign-in/");
  await p.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(me.email);
  await p.getByRole("textbox", { name: "Пароль", exact: true }).fill(me.password);
  await p.getByRole("button", { name: "Войти" }).click();
  await expect(p).toHaveURL(/\/lk\/$/);
}

test.beforeAll(async ({ browser, playwright }) => {
  api = await playwright.request.newContext();
  const phone = `+7 9${run.replace(/\D/g, "").padEnd(9, "3").slice(0, 9)}`;
  const registered = await api.post(`${BASE}/api/auth/register`, { data: { email: me.email, password: me.password, full_name: "Петров Пётр Петрович", phone } });
  expect(registered.status(), await registered.text()).toBe(202);
  const link = new URL(await linkFromMail(api, me.email, "activate"));
  const activated = await api.post(`${BASE}/api/auth/activate`, { data: { token: link.searchParams.get("token") } });
  expect(activated.ok(), await activated.text()).toBe(true);
  token = await apiLogin(api, me);
  ids.rub = await openAccount("current", "RUB");
  ids.savings = await openAccount("savings", "RUB");
  ids.usd = await openAccount("current", "USD");
  ids.empty = await openAccount("current", "EUR");
  await topUp(api, await apiLogin(api, demoUser("employee")), ids.rub, "20000.00", "RUB");
  const own = await api.post(`${BASE}/api/ledger/transfer`, {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: { from_account_id: ids.rub, to_account_id: ids.savings, amount: "2500.00", currency: "RUB", description: "Отложить на отпуск" },
  });
  expect(own.status(), await own.text()).toBe(201);
  const exchanged = await api.post(`${BASE}/api/customer/fx/exchange`, {
    headers: { ...bearer(token), "Idempotency-Key": randomUUID() },
    data: { from_account_id: ids.rub, to_account_id: ids.usd, amount: "1000.00", currency: "RUB" },
  });
  expect(exchanged.ok(), await exchanged.text()).toBe(true);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await signIn(page);
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("the bell shows the unread count and leads to the inbox; an item is marked read", async () => {
  // The inbox is filled by the notifications consumer from Kafka: wait for it through the page itself.
  await expect(async () => {
    await page.goto("/lk/");
    await expect(page.getByRole("link", { name: /Уведомления: непрочитанных \d+/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expectAccessible(page, "dashboard with the bell");
  await page.getByRole("link", { name: /Уведомления: непрочитанных/ }).click();
  await expect(page).toHaveURL(/\/lk\/inbox\/$/);
  await expect(page.getByTestId("inbox-item").first()).toBeVisible();
  await expect(page.locator("nav").getByRole("link", { name: "Уведомления" })).toHaveAttribute("aria-current", "page");
  await shot(page, "screens-01-inbox");
  await expectAccessible(page, "inbox");
  const unread = page.locator('[data-testid="inbox-item"][data-read="0"]');
  const before = await unread.count();
  await unread.first().getByRole("button", { name: /Прочитано/ }).click();
  await expect(unread).toHaveCount(before - 1);
  await page.getByRole("switch", { name: "Только непрочитанные" }).press("Space");
  await expect(page.locator('[data-testid="inbox-item"][data-read="1"]')).toHaveCount(0);
});

test("history: one feed across accounts, described in Russian, searchable, with a detail view", async () => {
  await page.goto("/lk/history/");
  const feed = page.getByTestId("feed-text");
  await expect(feed.first()).toBeVisible();
  await expect(feed).toContainText([/^Обмен 1\s000,00\s₽ → [\d\s,]+\s\$ по курсу 1\s\$ = [\d\s]+,\d\d\s₽$/, "Перевод между своими счетами", "Пополнение счёта"]);
  await expect(page.getByText(/Exchange|EXCHANGE/)).toHaveCount(0);
  await shot(page, "screens-02-history");
  await expectAccessible(page, "history");
  await page.getByTestId("feed-search").fill("отпуск");
  await expect(page.getByTestId("feed-row")).toHaveCount(1);
  await expect(feed.first()).toHaveText("Перевод между своими счетами");
  await page.getByTestId("feed-search").fill("2 500");
  await expect(page.getByTestId("feed-row")).toHaveCount(1);
  await page.getByTestId("feed-search").fill("");
  await page.getByRole("combobox", { name: "Вид операции" }).click();
  await page.getByRole("option", { name: "Обмен валют" }).click();
  await expect(page.getByTestId("feed-row")).toHaveCount(1);
  await page.getByTestId("feed-row").first().click();
  const detail = page.getByTestId("operation-detail");
  await expect(detail).toContainText("Курс");
  await expect(detail).toContainText(/1\s\$ = [\d\s]+,\d\d\s₽/);
  await shot(page, "screens-03-history-detail");
  await expectAccessible(page, "history detail");
  await page.keyboard.press("Escape");
});

test("contracts: the account agreement is listed, read and can be downloaded", async () => {
  await page.goto("/lk/contracts/");
  await expect(page.getByTestId("contract").first()).toBeVisible({ timeout: 30_000 });
  await page.getByTestId("contract").first().getByRole("button", { name: "Открыть" }).click();
  await expect(page.getByTestId("contract-text").first()).not.toBeEmpty();
  await expect(page.getByTestId("contract-download").first()).toHaveAttribute("href", /^https?:\/\//);
  await expect(page.getByTestId("contract-status").first()).not.toHaveText(/^(draft|signed|active|terminated)$/);
  await shot(page, "screens-04-contracts");
  await expectAccessible(page, "contracts");
});

test("cards: a card is issued, blocked after a confirm and unblocked", async () => {
  const issued = await api.post(`${BASE}/api/accounts/${ids.rub}/cards`, { headers: { ...bearer(token), "Idempotency-Key": randomUUID() } });
  expect(issued.status(), await issued.text()).toBe(201);
  await page.goto(`/lk/account/?id=${ids.rub}`);
  await expect(page.locator("nav").getByRole("link", { name: "Обзор" })).toHaveAttribute("aria-current", "page");
  await page.getByTestId("card-block").click();
  await expect(page.getByRole("dialog")).toContainText("операции по ней невозможны");
  await expectAccessible(page, "card block dialog");
  await page.getByRole("radio", { name: "Подозрительные операции" }).check(); // the reason is asked for
  await page.getByTestId("card-confirm").click();
  await expect(page.getByTestId("bank-card")).toContainText("Заблокирована");
  await shot(page, "screens-05-card-blocked");
  await page.getByTestId("card-unblock").click();
  await page.getByTestId("card-confirm").click();
  await expect(page.getByTestId("card-block")).toBeVisible();
  await expect(page.getByTestId("bank-card")).not.toContainText("Заблокирована");
});

test("closing an account: refused while it holds money, done when it is empty", async () => {
  await page.goto(`/lk/account/?id=${ids.savings}`);
  await page.getByTestId("close-account").click();
  await expect(page.getByTestId("close-refused")).toContainText(/На счёте есть деньги \(2\s500,00\s₽\)/);
  await expect(page.getByTestId("close-confirm")).toBeDisabled();
  await shot(page, "screens-06-close-refused");
  await expectAccessible(page, "close refused");
  await page.keyboard.press("Escape");
  await page.goto(`/lk/account/?id=${ids.empty}`);
  await page.getByTestId("close-account").click();
  await page.getByTestId("close-confirm").click();
  await expect(page.getByText("Закрыт", { exact: true })).toBeVisible();
  const accounts = await accountsOf(api, token);
  expect(accounts.find((a) => a.id === ids.empty)).toMatchObject({ status: "closed" });
  expect(accounts.find((a) => a.id === ids.savings)).toMatchObject({ status: "active" });
});

test("rates board: roubles per unit, sources named, a chart for a pair", async () => {
  await page.goto("/exchange/");
  await expect(page.getByText("Рубль не входит")).toHaveCount(0);
  const usd = page.locator('[data-testid="rate-row"][data-code="USD"]');
  await expect(usd).toContainText(/1\s\$ = [\d\s]+,\d\d\s₽/);
  await expect(usd).toContainText("Доллар США");
  await expect(usd).toContainText(/Казначейство банка|ЕЦБ/);
  await expect(page.getByTestId("rates-date")).toContainText(/Курсы на \d+/);
  await page.locator('[data-testid="rate-row"][data-code="EUR"]').getByRole("button", { name: /График/ }).click();
  await expect(page.getByTestId("rate-chart")).toContainText("Динамика курса EUR/RUB");
  await expect(page.getByTestId("chart-summary")).toContainText(/\d+,\d\d\s₽/);
  await shot(page, "screens-07-rates");
  await expectAccessible(page, "rates board");
  await page.getByTestId("base-select").click();
  await page.getByRole("option", { name: /^USD/ }).click();
  await expect(page.locator('[data-testid="rate-row"][data-code="EUR"]')).toContainText(/1\s€ = [\d\s,.]+\s\$/);
  await page.locator('[data-testid="rate-row"][data-code="EUR"]').getByRole("button", { name: /График/ }).click();
  await expect(page.getByRole("img", { name: /Динамика курса EUR\/USD/ })).toBeVisible();
  await expectAccessible(page, "rates board in USD with a chart");
});

test("profile: roles translated and links to the inbox and notification settings", async () => {
  await page.goto("/lk/profile/");
  await expect(page.getByText("Клиент", { exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Разделы" }).getByRole("link", { name: "Настройки уведомлений" })).toBeVisible();
  await shot(page, "screens-08-profile");
  await expectAccessible(page, "profile");
});

test("English: the feed and the board read in English", async () => {
  await page.goto("/lk/history/");
  await page.getByText("EN", { exact: true }).click();
  await expect(page.getByTestId("feed-text")).toContainText([/^Exchange ₽1,000\.00 → \$[\d.]+ at \$1 = ₽[\d,]+\.\d\d$/]);
  await expectAccessible(page, "history in English");
  await page.goto("/exchange/");
  await expect(page.locator('[data-testid="rate-row"][data-code="USD"]')).toContainText("US Dollar");
  await page.getByText("RU", { exact: true }).click();
});

test.describe("on a phone", () => {
  let phone: Page;
  test.beforeAll(async ({ browser }) => {
    phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(phone);
  });
  test.afterAll(async () => {
    await phone?.close();
  });

  for (const [path, name, ready] of [
    ["/lk/", "dashboard", "inbox-bell"],
    ["/lk/inbox/", "inbox", "inbox-item"],
    ["/lk/history/", "history", "feed-row"],
    ["/lk/contracts/", "contracts", "contract"],
    ["/exchange/", "rates", "rate-row"],
  ] as const) {
    test(`${name} fits a phone and passes axe`, async () => {
      await phone.goto(path);
      await expect(phone.getByTestId(ready).first()).toBeVisible();
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, "no horizontal scrolling of the page").toBeLessThanOrEqual(0);
      await shot(phone, `screens-phone-${name}`);
      await expectAccessible(phone, `${name} on a phone`);
    });
  }
});
