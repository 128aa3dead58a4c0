import { expect, it } from "vitest";
import { readPrefill, repeatHref } from "./repeat";

it("a repeat link carries the form's fields and reads back the same", () => {
  const href = repeatHref({ mode: "phone", from: "acc-1", to: "+79001234567", amount: "150.00", message: "за обед" });
  expect(href.startsWith("/lk/transfer/?")).toBe(true);
  expect(readPrefill(href.slice(href.indexOf("?")))).toEqual({ mode: "phone", from: "acc-1", to: "+79001234567", amount: "150.00", message: "за обед" });
});

it("ignores an unknown mode", () => {
  expect(readPrefill("?mode=cash&amount=5").mode).toBeUndefined();
});
