import { describe, expect, it } from "vitest";
import { fractionToPercent, percentToFraction } from "./ratePercent";

describe("savings rate percent ↔ fraction", () => {
  it("converts exactly both ways", () => {
    expect(percentToFraction("5.5")).toBe("0.055");
    expect(percentToFraction("12,25")).toBe("0.1225");
    expect(percentToFraction("0.0001")).toBe("0.000001");
    expect(percentToFraction("0")).toBe("0");
    expect(fractionToPercent("0.055")).toBe("5.5");
    expect(fractionToPercent("0.000001")).toBe("0.0001");
    expect(fractionToPercent("0")).toBe("0");
  });
  it("refuses what the API would refuse", () => {
    for (const bad of ["", "100", "5.12345", "-1", "abc", "5."]) expect(percentToFraction(bad)).toBeNull();
  });
});
