// Money stays a decimal string end to end (ARCHITECTURE §3a): never parsed to a float.
import type { ledger } from "@/api/generated";

export type Money = ledger.components["schemas"]["Money"];

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Formats a decimal string with Intl.NumberFormat, which formats numeric strings exactly. */
export function formatMoney(money: Money | null | undefined, locale: string): string {
  if (!money) return "—";
  if (!DECIMAL.test(money.amount)) return `${money.amount} ${money.currency}`;
  const fmt = new Intl.NumberFormat(locale === "en" ? "en-GB" : "ru-RU", {
    style: "currency",
    currency: money.currency,
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  });
  // A string argument keeps every digit (Intl.NumberFormat v3); the cast only widens the TS signature.
  return fmt.format(money.amount as unknown as number);
}

export function formatRate(rate: string, locale: string): string {
  if (!DECIMAL.test(rate)) return rate;
  const fmt = new Intl.NumberFormat(locale === "en" ? "en-GB" : "ru-RU", { maximumFractionDigits: 6, minimumFractionDigits: 2 });
  return fmt.format(rate as unknown as number);
}

/**
 * Normalises what a person typed ("1 500,5") to the API's decimal string ("1500.50"),
 * or null when it is not a positive amount with at most `exponent` fraction digits.
 */
export function parseAmountInput(input: string, exponent = 2): string | null {
  const cleaned = input.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  const m = /^(\d{1,15})(?:\.(\d*))?$/.exec(cleaned);
  if (!m) return null;
  const whole = m[1].replace(/^0+(?=\d)/, "");
  const frac = m[2] ?? "";
  if (frac.length > exponent) return null;
  const result = exponent > 0 ? `${whole}.${frac.padEnd(exponent, "0")}` : whole;
  if (toScaled(result, exponent) <= BigInt(0)) return null;
  return result;
}

/** A decimal string as an integer number of 10^-scale units (BigInt, exact). */
export function toScaled(amount: string, scale: number): bigint {
  const negative = amount.startsWith("-");
  const [whole, frac = ""] = amount.replace(/^-/, "").split(".");
  const digits = whole + frac.padEnd(scale, "0").slice(0, scale);
  const value = BigInt(digits || "0");
  return negative ? -value : value;
}

/** Exact comparison of two decimal strings: -1, 0 or 1. */
export function compareAmounts(a: string, b: string): number {
  const scale = Math.max(fraction(a), fraction(b));
  const x = toScaled(a, scale);
  const y = toScaled(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

function fraction(a: string): number {
  const i = a.indexOf(".");
  return i < 0 ? 0 : a.length - i - 1;
}

/** 40817810200010000014 → 40817 810 2 0001 0000014, the way Russian banks print account numbers. */
export function formatAccountNumber(number: string): string {
  if (!/^\d{20}$/.test(number)) return number;
  return `${number.slice(0, 5)} ${number.slice(5, 8)} ${number.slice(8, 9)} ${number.slice(9, 13)} ${number.slice(13)}`;
}
