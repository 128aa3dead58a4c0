// Savings rates are stored as a yearly fraction with at most six decimals ("0.055"); staff type them as a percent
// with at most four decimals ("5.5"). Exact string arithmetic, no floating point.

/** "5.5" → "0.055"; null when not a percent from 0 to 99.9999 with at most four decimals. */
export function percentToFraction(input: string): string | null {
  const m = /^(\d{1,2})(?:[.,](\d{1,4}))?$/.exec(input.trim());
  if (!m) return null;
  const millionths = Number(m[1]) * 10_000 + Number((m[2] ?? "").padEnd(4, "0"));
  const decimals = String(millionths).padStart(6, "0").replace(/0+$/, "");
  return decimals ? `0.${decimals}` : "0";
}

/** "0.055" → "5.5" */
export function fractionToPercent(fraction: string): string {
  const [, decimals = ""] = fraction.split(".");
  const millionths = Number(decimals.padEnd(6, "0").slice(0, 6));
  const whole = Math.floor(millionths / 10_000);
  const rest = String(millionths % 10_000).padStart(4, "0").replace(/0+$/, "");
  return rest ? `${whole}.${rest}` : String(whole);
}
