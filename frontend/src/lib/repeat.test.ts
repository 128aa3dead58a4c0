import { expect, it } from "vitest";
import { prefillFromTemplate, readPrefill, repeatHref } from "./repeat";

it("a repeat link carries the form's fields and reads back the same", () => {
  const href = repeatHref({ mode: "phone", from: "acc-1", to: "+79001234567", amount: "150.00", message: "за обед" });
  expect(href.startsWith("/lk/transfer/?")).toBe(true);
  expect(readPrefill(href.slice(href.indexOf("?")))).toEqual({ mode: "phone", from: "acc-1", to: "+79001234567", amount: "150.00", message: "за обед" });
});

it("ignores an unknown mode", () => {
  expect(readPrefill("?mode=cash&amount=5").mode).toBeUndefined();
});

it("a template's pay link is the same prefilled address as a repeat from history", () => {
  const byNumber = prefillFromTemplate({ to_account_number: "40817810200010000099", to_phone: null, from_account_id: "acc-1", amount: { amount: "12.50" }, description: "аренда" });
  expect(byNumber).toEqual({ mode: "account", from: "acc-1", to: "40817810200010000099", amount: "12.50", message: "аренда" });
  expect(readPrefill(repeatHref(byNumber).split("?")[1])).toEqual(byNumber);
  const byPhone = prefillFromTemplate({ to_phone: "+79001234567", amount: null });
  expect(repeatHref(byPhone)).toBe("/lk/transfer/?mode=phone&to=%2B79001234567");
});
