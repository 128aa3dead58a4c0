// The back office's contracts and ЖКХ providers screens in a real browser (issue 15 item 4, docs/back-office.md):
// a fresh employee concludes a contract for a fresh customer (found by search), views its document and
// terminates it with a reason; sees the providers but cannot change them. A fresh admin adds a provider, edits
// it, deactivates and reactivates it (each through the confirm-with-reason dialog) and sees a template's
// versions with the publish form. Screenshots and axe-core on every page.
// The demo admin signs in through the API only to create this spec's own employee and admin.
// Every step runs: a skipped or fixme'd step fails the browser tier (tests/e2e/test_browser.py).
import { randomUUID } from "node:crypto";
import { expect, request, test, type APIRequestContext, type Page } from "@playwright/test";
import { BASE, apiLogin, bearer, demoUser, expectAccessible, shot } from "./support";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const employee = { email: `offc-emp-${run}@example.com`, password: `Sever-${run}-Emp-2026` };
const admin = { email: `offc-adm-${run}@example.com`, password: `Sever-${run}-Adm-2026` };
const customerEmail = `offc-cust-${run}@example.com`;
const providerCode = `e2e_${run}`;
let api: APIRequestContext;
let page: Page;

async function createStaff(token: string, user: { email: string; password: string }, role: "employee" | "admin") {
  const res = await api.post(`${BASE}/api/office/employees`, {
    headers: bearer(token),
    data: { email: user.email, password: user.password, full_name: `Проверка ${role} ${run}`, roles: [role] },
  });
  expect(res.status(), await res.text()).toBe(201);
}

async function signIn(user: { email: string; password: string }, path: string) {
  await page.goto(path);
  await page.getByRole("textbox", { name: "Электронная почта", exact: true }).fill(user.email);
  await page.getByRole("textbox", { name: "Пароль", exact: true }).fill(user.password);
  await page.getByRole("button", { name: "Войти" }).click();
  await expect(page.getByTestId("office-shell")).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  api = await request.newContext();
  const demoAdmin = await apiLogin(api, demoUser("admin"));
  await createStaff(demoAdmin, employee, "employee");
  await createStaff(demoAdmin, admin, "admin");
  const employeeToken = await apiLogin(api, employee);
  const res = await api.post(`${BASE}/api/office/customers`, {
    headers: bearer(employeeToken),
    data: { email: customerEmail, full_name: `Договорова Анна ${run}` },
  });
  expect(res.status(), await res.text()).toBe(201);
  page = await browser.newPage();
});

test.afterAll(async () => {
  await page.close();
  await api.dispose();
});

test("an employee concludes a contract for a customer, views its document and terminates it", async () => {
  await signIn(employee, "/office/contracts/");
  await expect(page.getByRole("link", { name: "Договоры" })).toHaveAttribute("aria-current", "page");
  await expect(page.getByTestId("contract-templates")).toBeVisible();
  await shot(page, "offcontracts-01-contracts");
  await expectAccessible(page, "offcontracts-01-contracts");

  await page.getByTestId("conclude-query").fill(customerEmail);
  await page.getByTestId("conclude-search").click();
  await expect(page.getByTestId("conclude-customer")).toHaveValue(new RegExp(customerEmail));
  await page.getByTestId("conclude-template").click();
  await page.getByRole("option", { name: "Договор комплексного банковского обслуживания" }).click();
  const parameters = page.getByTestId("conclude-param");
  await expect(parameters.first()).toBeVisible();
  for (const input of await parameters.all()) await input.fill(`Договорова Анна ${run}`);
  await page.getByTestId("conclude-submit").click();
  const notice = page.getByTestId("contracts-notice");
  await expect(notice).toContainText("создан");
  const number = /\d{4}-\d{6}/.exec((await notice.textContent()) ?? "")?.[0];
  expect(number).toBeTruthy();
  const row = page.getByTestId(`contract-${number}`);
  await expect(row).toContainText("черновик");
  await shot(page, "offcontracts-02-concluded");

  await row.getByRole("button", { name: "Документ" }).click();
  await expect(page.getByTestId("contract-document")).toContainText("SHA-256");
  await shot(page, "offcontracts-03-document");
  await expectAccessible(page, "offcontracts-03-document");
  await page.getByRole("button", { name: "Закрыть" }).click();

  await page.getByTestId(`terminate-${number}`).click();
  await page.getByTestId("contract-terminate-text").fill("no");
  await page.getByTestId("contract-terminate-submit").click();
  await expect(page.getByTestId("contract-terminate")).toContainText("не меньше 3 символов");
  await page.getByTestId("contract-terminate-text").fill("Клиент передумал до подписания");
  await shot(page, "offcontracts-04-terminate-dialog");
  await expectAccessible(page, "offcontracts-04-terminate-dialog");
  await page.getByTestId("contract-terminate-submit").click();
  await expect(page.getByTestId("contracts-notice")).toContainText("расторгнут");
  await expect(page.getByTestId(`contract-${number}`)).toContainText("расторгнут");

  await page.getByTestId("contracts-filter").click();
  await expect(page.getByTestId("contracts-table")).toBeVisible();
});

test("an employee sees the providers but cannot change them", async () => {
  await page.getByRole("link", { name: "Поставщики ЖКХ" }).click();
  await expect(page.getByTestId("providers-table")).toContainText("Мосэнергосбыт");
  await expect(page.getByText("только администратор")).toBeVisible();
  await expect(page.getByTestId("provider-add")).toHaveCount(0);
  await shot(page, "offcontracts-05-providers-employee");
  await expectAccessible(page, "offcontracts-05-providers-employee");
  await page.getByRole("button", { name: "Выйти" }).click();
});

test("an admin adds a provider, edits, deactivates and reactivates it", async () => {
  await signIn(admin, "/office/providers/");
  await page.getByTestId("provider-code").fill(providerCode);
  await page.getByTestId("provider-name").fill(`Тепло ${run}`);
  await page.getByTestId("provider-inn").fill("7701234567");
  await page.getByTestId("provider-category").click();
  await page.getByRole("option", { name: "отопление" }).click();
  await page.getByTestId("provider-pattern").fill("^[0-9]{6}$");
  await page.getByTestId("provider-hint").fill("6 цифр");
  await page.getByTestId("provider-add").click();
  const notice = page.getByTestId("provider-notice");
  await expect(notice).toContainText("добавлен");
  const row = page.getByTestId(`provider-${providerCode}`);
  await expect(row).toContainText(/407028109\d{11}/);
  await expect(row).toContainText("принимает платежи");
  await shot(page, "offcontracts-06-provider-added");
  await expectAccessible(page, "offcontracts-06-provider-added");

  await row.getByRole("button", { name: "Изменить" }).click();
  const dialog = page.getByTestId("provider-confirm");
  await dialog.getByTestId("provider-name").fill(`Тепло Плюс ${run}`);
  await page.getByTestId("provider-confirm-text").fill("Поставщик сменил название");
  await shot(page, "offcontracts-07-provider-edit");
  await expectAccessible(page, "offcontracts-07-provider-edit");
  await page.getByTestId("provider-confirm-submit").click();
  await expect(notice).toContainText(`Тепло Плюс ${run}`);

  await page.getByTestId(`provider-toggle-${providerCode}`).click();
  await page.getByTestId("provider-confirm-text").fill("Договор с поставщиком закончился");
  await page.getByTestId("provider-confirm-submit").click();
  await expect(notice).toContainText("отключён");
  await expect(row).toContainText("отключён");
  await shot(page, "offcontracts-08-provider-deactivated");

  await page.getByTestId(`provider-toggle-${providerCode}`).click();
  await page.getByTestId("provider-confirm-text").fill("Договор продлён");
  await page.getByTestId("provider-confirm-submit").click();
  await expect(notice).toContainText("снова принимает");
  await expect(row).toContainText("принимает платежи");
});

test("an admin sees a template's versions and the publish form", async () => {
  await page.getByRole("link", { name: "Договоры" }).click();
  const templates = page.getByTestId("contract-templates");
  await templates.getByRole("button").first().click();
  await expect(templates).toContainText("Версия 1");
  await expect(page.getByRole("button", { name: "Опубликовать новую версию" })).toBeVisible();
  await shot(page, "offcontracts-09-template-versions");
  await expectAccessible(page, "offcontracts-09-template-versions");
});
