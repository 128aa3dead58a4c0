import { describe, expect, it } from "vitest";
import { ageInDays, boardRows, chartPoints, currencyName, formatUnits } from "./rates";

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("the rates board", () => {
  it("reads RUB pairs as roubles per unit: 1 $ = 81,86 ₽", () => {
    const rows = boardRows("RUB", { EUR: "0.010604453870", USD: "0.012216083486", JPY: "1.9", RUB: "1" }, { USD: "treasury", EUR: "treasury", JPY: "treasury+frankfurter" }, "ru");
    expect(rows.map((r) => r.code)).toEqual(["USD", "EUR", "JPY"]);
    expect(nb(rows[0].text)).toBe("1 $ = 81,86 ₽");
    expect(nb(rows[1].text)).toBe("1 € = 94,30 ₽");
    expect(nb(rows[2].text)).toBe("1 ¥ = 0,526316 ₽");
    expect(rows[2].source).toBe("treasury+frankfurter");
    expect(nb(boardRows("RUB", { USD: "0.012216083486" }, {}, "en")[0].text)).toBe("$1 = ₽81.86");
  });

  it("skips rates that cannot be shown", () => {
    expect(boardRows("USD", { EUR: "0", GBP: "x" }, {}, "ru")).toEqual([]);
  });

  it("names currencies in the UI language", () => {
    expect(currencyName("USD", "ru")).toBe("Доллар США");
    expect(currencyName("USD", "en")).toBe("US Dollar");
    expect(currencyName("EUR", "ru")).toBe("Евро");
    expect(currencyName("QQQ", "ru")).toBe("QQQ");
  });

  it("knows how old the rates are", () => {
    const now = new Date("2026-12-03T08:00:00Z");
    expect(ageInDays("2026-12-03", now)).toBe(0);
    expect(ageInDays("2026-11-25", now)).toBe(8);
  });

  it("formats units with the digits a rate needs", () => {
    expect(nb(formatUnits(81.8592, "RUB", "ru"))).toBe("81,86 ₽");
    expect(nb(formatUnits(1.15, "USD", "en"))).toBe("$1.1500");
  });

  it("scales a line into the chart's box: the lowest value at the bottom, the highest at the top", () => {
    expect(chartPoints([1, 3, 2], 108, 58)).toBe("4.0,54.0 54.0,4.0 104.0,29.0");
    expect(chartPoints([5], 100, 50)).toBe("4.0,25.0");
    expect(chartPoints([], 100, 50)).toBe("");
  });
});
