import { expect, it } from "vitest";
import { ApiError } from "@/api/problem";
import { needsFreshKey, outcomeOf } from "./payment";

it("keeps the Idempotency-Key while the outcome of an attempt is unknown", () => {
  for (const status of [0, 500, 502, 503, 409, 429]) expect(needsFreshKey(outcomeOf(new ApiError({ status })))).toBe(false);
  expect(needsFreshKey(outcomeOf(new Error("boom")))).toBe(false);
});

it("starts a new attempt (new key) after a definitive answer", () => {
  expect(needsFreshKey("success")).toBe(true);
  expect(needsFreshKey(outcomeOf(new ApiError({ status: 422, code: "insufficient_funds" })))).toBe(true);
  expect(needsFreshKey(null)).toBe(false);
});
