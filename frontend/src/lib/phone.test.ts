import { expect, it } from "vitest";
import { formatPhone, normalizePhone } from "./phone";

it("reads every usual Russian form as one number", () => {
  for (const typed of ["+7 900 123-45-67", "+79001234567", "8 900 123-45-67", "89001234567", "8 (900) 123 45 67", "900 123-45-67", "9001234567", " 8-900-123-45-67 ", "7 900 123 45 67"])
    expect(normalizePhone(typed)).toBe("+79001234567");
});

it("keeps a foreign number's digits and refuses what is not a number", () => {
  expect(normalizePhone("+1 555 010 0000")).toBe("+15550100000");
  for (const typed of ["", "12345", "900123456", "8 800 abc", "1234567890", "+7 900 123+45-67", "+1234567890123456", "55501000000"])
    expect(normalizePhone(typed)).toBeNull();
});

it("shows a Russian number grouped", () => {
  expect(formatPhone("+79001234567")).toBe("+7 900 123-45-67");
  expect(formatPhone("+15550100000")).toBe("+15550100000");
});
