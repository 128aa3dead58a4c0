import { describe, expect, it } from "vitest";
import { isCurrent } from "./CabinetShell";
import { holdsMoney } from "./CloseAccount";

describe("the cabinet's menu", () => {
  it("marks the item of a sub-page as the current one", () => {
    expect(isCurrent("/lk/", "/lk/")).toBe(true);
    expect(isCurrent("/lk/account/", "/lk/")).toBe(true);
    expect(isCurrent("/lk/transfer/", "/lk/")).toBe(false);
    expect(isCurrent("/lk/history", "/lk/history/")).toBe(true);
    expect(isCurrent("/lk/contracts/", "/lk/history/")).toBe(false);
  });
});

describe("closing an account", () => {
  const account = { id: "a", number: "40817810000000000001" };
  it("is refused while the account holds money or has money held", () => {
    expect(holdsMoney({ ...account, balance: { amount: "0.00", currency: "RUB" }, available: { amount: "0.00", currency: "RUB" } })).toBe(false);
    expect(holdsMoney({ ...account, balance: { amount: "0.01", currency: "RUB" } })).toBe(true);
    expect(holdsMoney({ ...account, balance: { amount: "0.00", currency: "RUB" }, available: { amount: "-5.00", currency: "RUB" } })).toBe(true);
    expect(holdsMoney({ ...account, balance: null })).toBe(false);
  });
});
