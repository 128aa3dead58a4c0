import { describe, expect, it } from "vitest";
import { compareAmounts, formatAccountNumber, formatMoney, parseAmountInput, toScaled } from "./money";

describe("formatMoney", () => {
  it("formats decimal strings per locale without losing digits", () => {
    expect(formatMoney({ amount: "1234.50", currency: "RUB" }, "ru")).toMatch(/^1\s234,50\s₽$/);
    expect(formatMoney({ amount: "1234.50", currency: "USD" }, "en")).toBe("$1,234.50");
    // beyond float precision: a float would print ...992.00
    expect(formatMoney({ amount: "999999999999999.99", currency: "RUB" }, "en")).toContain("999,999,999,999,999.99");
  });
  it("shows a dash for a missing amount", () => {
    expect(formatMoney(null, "ru")).toBe("—");
  });
});

describe("parseAmountInput", () => {
  it.each([
    ["1500", "1500.00"],
    ["1 250,5", "1250.50"],
    ["0,01", "0.01"],
    ["007.10", "7.10"],
  ])("%s → %s", (input, expected) => expect(parseAmountInput(input)).toBe(expected));
  it.each(["", "0", "0.00", "-5", "1.234", "abc", "1e3", "12.3.4"])("rejects %j", (input) => expect(parseAmountInput(input)).toBeNull());
  it("respects the currency exponent", () => {
    expect(parseAmountInput("150", 0)).toBe("150");
    expect(parseAmountInput("150.5", 0)).toBeNull();
  });
});

describe("exact decimal arithmetic", () => {
  it("compares without floats", () => {
    expect(compareAmounts("0.30", "0.3")).toBe(0);
    expect(compareAmounts("100000000000000.01", "100000000000000.02")).toBe(-1);
    expect(toScaled("12.5", 2)).toBe(BigInt(1250));
  });
});

it("prints a Russian account number in groups", () => {
  expect(formatAccountNumber("40817810200010000014")).toBe("40817 810 2 0001 0000014");
});
