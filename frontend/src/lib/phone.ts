// Phone numbers in one form, the same rules as the back end's bank_shared/phones.py: "8 900 123-45-67",
// "+7 (900) 123 45 67" and "900 123-45-67" are all "+79001234567"; a foreign number written with "+" keeps its
// digits. null: not a phone number.
const ALLOWED = /^\+?[0-9 ()-]+$/;

export function normalizePhone(text: string): string | null {
  const t = text.trim();
  if (!t || !ALLOWED.test(t) || t.slice(1).includes("+")) return null;
  const digits = t.replace(/\D/g, "");
  if (digits.length === 10 && digits[0] === "9") return `+7${digits}`;
  if (digits.length === 11 && (digits[0] === "7" || (digits[0] === "8" && !t.startsWith("+")))) return `+7${digits.slice(1)}`;
  if (t.startsWith("+") && digits.length >= 8 && digits.length <= 15) return `+${digits}`;
  return null;
}

// "+79001234567" → "+7 900 123-45-67" (for showing a number back to the customer).
export function formatPhone(canonical: string): string {
  const m = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(canonical);
  return m ? `+7 ${m[1]} ${m[2]}-${m[3]}-${m[4]}` : canonical;
}
