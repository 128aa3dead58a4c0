// Issue 14 item 6 in a real browser against the running stack: the counterparty of each operation in the
// history feed. Two customers created here transfer by phone; the recipient's feed names the sender by the
// masked name only ("Иван И."), the search finds the transfer by it and the detail view shows it; the sender's
// feed (on a phone viewport) names the recipient and the bank's cash desk. Screenshots and axe-core on each page.
import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, accountsOf, apiLogin, bearer, demoUser, expectAccessible, shot, signInOnPage, signUpCustomer, topUp, type DemoUser } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const digits = (fill: string) => run.replace(/\D/g, "").padEnd(9, fill).slice(0, 9);
const sender: DemoUser = { email: `e2e-cp-from-${run}@example.com`, password: `Counter-${run}-2026` };
const recipient: DemoUser = { email: `e2e-cp-to-${run}@example.com`, password: `Counter-${run}-2026` };
const employee: DemoUser = { email: `e2e-cp-staff-${run}@example.com`, password: `Counter-${run}-Staff` };
const recipientPhone = `9${digits("7")}`;
let api: APIRequestContext;

async function openRub(token: string): Promise<string> {
  const res = await api.post(`${BASE}/api/accounts/open`, { headers: { ...bearer(token), "Idempotency-Key": randomUUID() }, data: { currency: "RUB" } });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()).id;
}

test.beforeAll(async ({ playwright }) => {
  api = await playwright.request.newContext();
  const admin = await apiLogin(api, demoUser("admin")); // only to create this spec's own employee
  const created = await api.post(`${BASE}/api/office/employees`, { headers: bearer(admin), data: { ...employee, full_name: "Кассир Спека", roles: ["employee"] } });
  expect(created.status(), await created.text()).toBe(201);
  const from = await signUpCustomer(api, sender, "Иванов Иван Петрович", `+7 9${digits("1")}`);
  const to = await signUpCustomer(api, recipient, "Лебедева Ольга Игоревна", `+7 ${recipientPhone}`);
  const source = await openRub(from);
  await openRub(to);
  await topUp(api, await apiLogin(api, employee), source, "1000.00", "RUB");
  const paid = await api.post(`${BASE}/api/customer/transfer`, {
    headers: { ...bearer(from), "Idempotency-Key": randomUUID() },
    data: { from_account_id: source, to_phone: recipientPhone, amount: "250.00", currency: "RUB", description: "Книги" },
  });
  expect(paid.status(), await paid.text()).toBe(201);
  expect((await accountsOf(api, to)).length).toBe(1);
});

test.afterAll(async () => {
  await api?.dispose();
});

test("the recipient sees the sender's masked name, finds the transfer by it and in the detail", async ({ browser }) => {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await signInOnPage(page, recipient);
  await page.goto("/lk/history/");
  const row = page.getByTestId("feed-row").first();
  await expect(row.getByTestId("feed-counterparty")).toHaveText("Иван И.");
  await expect(page.getByText("Иванов")).toHaveCount(0); // never the full name
  await shot(page, "counterparty-01-recipient-feed");
  await expectAccessible(page, "history with counterparties");
  await page.getByTestId("feed-search").fill("Иван");
  await expect(page.getByTestId("feed-row")).toHaveCount(1);
  await page.getByTestId("feed-search").fill("Пётр");
  await expect(page.getByTestId("feed-row")).toHaveCount(0);
  await page.getByTestId("feed-search").fill("иван");
  await page.getByTestId("feed-row").first().click();
  const detail = page.getByTestId("operation-detail");
  await expect(detail).toContainText("Контрагент");
  await expect(detail.getByTestId("detail-counterparty")).toHaveText("Иван И.");
  await shot(page, "counterparty-02-detail");
  await expectAccessible(page, "history detail with the counterparty");
  await page.close();
});

test("the sender, on a phone, sees the recipient's masked name and the bank's cash desk", async ({ browser }) => {
  const page: Page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signInOnPage(page, sender);
  await page.goto("/lk/history/");
  const parties = page.getByTestId("feed-counterparty");
  await expect(parties).toHaveText(["Ольга Л.", "Касса банка"]);
  await shot(page, "counterparty-03-sender-feed-phone");
  await expectAccessible(page, "history on a phone");
  await page.close();
});
