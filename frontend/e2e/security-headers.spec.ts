// The SPA under its Content-Security-Policy (issue 10): every page is served with the headers CloudFront
// adds (frontend/security-headers.json), renders, and the browser reports no CSP violation. The customer
// journey (customer-journey.spec.ts) also watches for violations on every step it takes.
import { expect, test } from "@playwright/test";
import { securityHeaders, watchCsp } from "./support";

const PAGES = ["/", "/banking-service/", "/banking-service/sign-in/", "/banking-service/sign-up/", "/exchange/", "/office/", "/lk/"];

test("every public page renders under the CSP with no violation", async ({ page }) => {
  const violations = watchCsp(page);
  const expected = securityHeaders();
  expect(expected["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
  for (const path of PAGES) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    const headers = response!.headers();
    for (const [name, value] of Object.entries(expected)) expect(headers[name.toLowerCase()], `${path} ${name}`).toBe(value);
    await expect(page.locator("body")).not.toBeEmpty();
    await page.waitForLoadState("networkidle");
  }
  // Mantine's controls (inline styles, its color-scheme script) and a client-side navigation run too.
  await page.goto("/banking-service/sign-in/");
  await expect(page.getByRole("button", { name: "Войти" })).toBeVisible();
  expect(violations).toEqual([]);
});

test("an unknown page is the 404 page with status 404 and the same headers", async ({ page }) => {
  const violations = watchCsp(page);
  const response = await page.goto("/no/such/page/");
  expect(response?.status()).toBe(404);
  expect(response!.headers()["content-security-policy"]).toBe(securityHeaders()["Content-Security-Policy"]);
  await page.waitForLoadState("networkidle");
  expect(violations).toEqual([]);
});

test("the watcher can fail: an image from another origin is refused and reported", async ({ page }) => {
  const violations = watchCsp(page);
  await page.goto("/banking-service/");
  await page.evaluate(() => {
    const image = document.createElement("img");
    image.src = "https://example.invalid/pixel.png";
    document.body.append(image);
  });
  await expect.poll(() => violations.length).toBeGreaterThan(0);
  expect(violations.join("\n")).toContain("img-src");
});
