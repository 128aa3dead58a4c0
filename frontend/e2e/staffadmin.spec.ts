// The back office's admin screens in a real browser (issue 15 item 4): a fresh admin creates an employee on
// /office/employees/, gives them the admin role, deactivates and reactivates them (each through the
// confirm-with-reason dialog), then filters the audit log on /office/audit/ and downloads the CSV (BOM, only
// the filtered rows); a fresh employee sees no admin sections and is refused on their addresses and in the API.
// Every step runs: a skipped or fixme'd step fails the browser tier (tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { BASE, apiLogin, bearer, demoUser, expectAccessible, shot } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const PASSWORD = `Sever-${run}-2026`;
const boss = { email: `boss-${run}@example.com`, password: PASSWORD, id: "" };
const clerk = { email: `clerk-${run}@example.com`, password: PASSWORD, id: "" };
const hired = `hired-${run}@example.com`;
let api: APIRequestContext;
let page: Page;

async function createStaff(token: string, who: { email: string; id: string }, roles: string[]) {
  const res = await api.post(`${BASE}/api/office/employees`, {
    headers: bearer(token),
    data: { email: who.email, password: PASSWORD, full_name: `Тестов ${who.email.slice(0, 4)} ${run}`, roles },
  });
  expect(res.status(), await res.text()).toBe(201);
  who.id = (await res.json()).id;
}

async function signedIn(browser: Browser, who: { email: string; password: string }, at: string): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await p.goto(at);
  await p.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(who.email);
  await p.getByRole("textbox", { name: "Пароль", exact: true }).fill(who.password);
  await p.getByRole("button", { name: "Войти" }).click();
  await expect(p.getByTestId("office-shell")).toBeVisible();
  return p;
}

async function confirmWithReason(reason: string) {
  const dialog = page.getByTestId("employee-confirm");
  await dialog.getByTestId("employee-confirm-text").fill(reason);
  await dialog.getByTestId("employee-confirm-submit").click();
  await expect(page.getByTestId("employee-done")).toBeVisible();
}

test.beforeAll(async ({ playwright }) => {
  api = await playwright.request.newContext();
  const admin = await apiLogin(api, demoUser("admin")); // only to create this spec's own staff
  await createStaff(admin, boss, ["admin"]);
  await createStaff(admin, clerk, ["employee"]);
});

test.afterAll(async () => {
  await page?.close();
  await api?.dispose();
});

test("an admin creates an employee, changes their roles, deactivates and reactivates them", async ({ browser }) => {
  page = await signedIn(browser, boss, "/office/employees/");
  const nav = page.getByRole("navigation", { name: "Разделы бэк-офиса" });
  await expect(nav.getByRole("link", { name: "Сотрудники" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Журнал аудита" })).toBeVisible();
  await expect(page.getByTestId("employee-table")).toBeVisible();
  await expectAccessible(page, "/office/employees/");

  await page.getByTestId("employee-create-open").click();
  await page.getByTestId("employee-email").fill(hired);
  await page.getByTestId("employee-name").fill(`Новикова Анна ${run}`);
  await page.getByTestId("employee-password").fill(PASSWORD);
  await page.getByTestId("employee-create-submit").click();
  await expect(page.getByTestId("employee-created")).toContainText(hired);
  await shot(page, "staffadmin-01-employee-created");

  await page.getByTestId("employee-query").fill(hired);
  await page.getByRole("button", { name: "Показать", exact: true }).click();
  const row = page.locator(`[data-testid="employee-row"][data-email="${hired}"]`);
  await expect(page.getByTestId("employee-row")).toHaveCount(1);
  await expect(row.getByTestId("employee-status")).toHaveText("Активен");

  await row.getByTestId("employee-roles").click();
  await page.getByTestId("employee-confirm").getByRole("checkbox", { name: "Администратор" }).check();
  await expectAccessible(page, "/office/employees/ roles dialog");
  await shot(page, "staffadmin-02-roles-dialog");
  await confirmWithReason("назначен старшим смены");
  await expect(row).toContainText("Администратор");

  await row.getByTestId("employee-deactivate").click();
  await confirmWithReason("увольнение");
  await expect(row.getByTestId("employee-status")).toHaveText("Отключён");
  const refused = await api.post(`${BASE}/api/auth/login`, { data: { email: hired, password: PASSWORD } });
  expect(refused.status()).toBe(403);
  await shot(page, "staffadmin-03-deactivated");

  await row.getByTestId("employee-reactivate").click();
  await confirmWithReason("восстановлен");
  await expect(row.getByTestId("employee-status")).toHaveText("Активен");
});

test("the admin filters the audit log and downloads it as CSV", async () => {
  await page.getByRole("navigation", { name: "Разделы бэк-офиса" }).getByRole("link", { name: "Журнал аудита" }).click();
  await expect(page).toHaveURL(/\/office\/audit\/$/);
  await page.getByTestId("audit-actor").fill(boss.id);
  await page.getByTestId("audit-action").fill("employee");
  const today = new Date().toISOString().slice(0, 10);
  await page.getByTestId("audit-from").fill(today);
  await page.getByTestId("audit-to").fill(today);
  await page.getByTestId("audit-apply").click();
  for (const action of ["employee.create", "employee.roles", "employee.deactivate", "employee.reactivate"])
    await expect(page.locator(`[data-testid="audit-row"][data-action="${action}"]`).first()).toBeVisible();
  for (const action of await page.getByTestId("audit-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action"))))
    expect(action).toMatch(/^employee\./);
  await expectAccessible(page, "/office/audit/");
  await shot(page, "staffadmin-04-audit");

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-csv").click()]);
  const content = readFileSync((await download.path())!);
  expect([...content.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = content.toString("utf8").slice(1).trim().split("\r\n");
  expect(lines[0].split(";").slice(0, 4)).toEqual(["occurred_at", "actor_id", "actor_roles", "action"]);
  expect(lines.length).toBeGreaterThan(4);
  for (const line of lines.slice(1)) {
    const cells = line.split(";");
    expect(cells[1]).toBe(boss.id);
    expect(cells[3]).toMatch(/^employee\./);
  }
  expect(content.toString("utf8")).toContain("назначен старшим смены");
});

test("an employee sees no admin sections and is refused on them", async ({ browser }) => {
  const mine = await signedIn(browser, clerk, "/office/");
  const nav = mine.getByRole("navigation", { name: "Разделы бэк-офиса" });
  await expect(nav.getByRole("link", { name: "Клиенты" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Сотрудники" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Журнал аудита" })).toHaveCount(0);
  for (const at of ["/office/employees/", "/office/audit/"]) {
    await mine.goto(at);
    await expect(mine.getByTestId("admin-only")).toBeVisible();
    await expectAccessible(mine, `${at} as employee`);
  }
  await shot(mine, "staffadmin-05-employee-refused");
  const token = await apiLogin(api, clerk);
  for (const path of ["/api/office/employees", "/api/office/audit", "/api/office/audit/export"])
    expect((await api.get(`${BASE}${path}`, { headers: bearer(token) })).status()).toBe(403);
  await mine.close();
});
