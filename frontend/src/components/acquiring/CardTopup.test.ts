import { topupAmount } from "./CardTopup";

it("takes rouble amounts from 10 to 300 000 with at most two decimals", () => {
  expect(topupAmount("1500")).toBe("1500.00");
  expect(topupAmount("10")).toBe("10.00");
  expect(topupAmount("300000")).toBe("300000.00");
  expect(topupAmount("9.99")).toBeNull();
  expect(topupAmount("300000.01")).toBeNull();
  expect(topupAmount("12.345")).toBeNull();
  expect(topupAmount("")).toBeNull();
});
