// The rates board's arithmetic and wording: "1 $ = 81,86 ₽" rows from a sheet quoted in the chosen currency,
// currency names in the UI language, and the age of the rates. Display only: nothing here moves money.

/** The currency's name in the UI language ("доллар США" / "US Dollar"), the code when unknown. */
export function currencyName(code: string, locale: string): string {
  try {
    const name = new Intl.DisplayNames([locale === "en" ? "en" : "ru"], { type: "currency" }).of(code);
    if (!name || name === code) return code;
    return locale === "en" ? name : name.charAt(0).toUpperCase() + name.slice(1);
  } catch {
    return code;
  }
}

/** Digits after the point a rate is shown with: fewer for big numbers, more for small ones. */
function digits(value: number): number {
  if (value >= 10) return 2;
  if (value >= 1) return 4;
  return 6;
}

/** An amount of a currency as a person reads it ("81,86 ₽", "$1"), with the digits a rate needs. */
export function formatUnits(value: number, currency: string, locale: string, fraction = digits(value)): string {
  return new Intl.NumberFormat(locale === "en" ? "en-GB" : "ru-RU", {
    style: "currency",
    currency,
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: fraction,
    maximumFractionDigits: fraction,
  }).format(value);
}

export type BoardRow = { code: string; value: number; text: string; source: string };

const FEATURED = ["USD", "EUR", "CNY", "GBP", "CHF", "JPY", "TRY", "KZT", "INR"];

/**
 * Rows of the board from a sheet with `base` = the quote currency (1 quote = rates[X] units of X): each row is
 * what one unit of X costs in the quote currency, "1 $ = 81,86 ₽". Featured currencies first.
 */
export function boardRows(quote: string, rates: Record<string, string>, sources: Record<string, string>, locale: string): BoardRow[] {
  const rows: BoardRow[] = [];
  for (const [code, raw] of Object.entries(rates)) {
    const perQuote = Number(raw);
    if (code === quote || !Number.isFinite(perQuote) || perQuote <= 0) continue;
    const value = 1 / perQuote;
    rows.push({ code, value, text: `${formatUnits(1, code, locale, 0)} = ${formatUnits(value, quote, locale)}`, source: sources[code] ?? "" });
  }
  const rank = (c: string) => (FEATURED.includes(c) ? FEATURED.indexOf(c) : 99);
  return rows.sort((a, b) => rank(a.code) - rank(b.code) || a.code.localeCompare(b.code));
}

/** Whole days between the rates' date (YYYY-MM-DD) and now; the board warns past OLD_AFTER_DAYS. */
export function ageInDays(date: string, now: Date = new Date()): number {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.floor((day - Date.parse(`${date}T00:00:00Z`)) / 86_400_000);
}

// ECB rates skip weekends and holidays: four days covers a long weekend; older means the source is stuck.
export const OLD_AFTER_DAYS = 4;

/** Points of a line chart scaled into a width × height box (y grows downwards), as an SVG `points` string. */
export function chartPoints(values: number[], width: number, height: number, pad = 4): string {
  if (values.length === 0) return "";
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min;
  const step = values.length > 1 ? (width - 2 * pad) / (values.length - 1) : 0;
  return values
    .map((v, i) => {
      const x = pad + i * step;
      const y = span === 0 ? height / 2 : pad + (height - 2 * pad) * (1 - (v - min) / span);
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(" ");
}
