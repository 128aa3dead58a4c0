// ISO 4217 minor-unit exponents for the currencies the bank and the ECB set use (default 2).
const EXPONENTS: Record<string, number> = { JPY: 0, KRW: 0, ISK: 0, HUF: 2, IDR: 2, BHD: 3, KWD: 3, OMR: 3, TND: 3, JOD: 3 };

export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}
