// Every problem answer shown by its stable `code` (and each invalid field by its name and error type) in
// the person's language; never the server's own text (English, sometimes a regex). 429 says when to retry.
import { ApiError } from "@/api/problem";
import type { FieldError } from "@/api/problem";
import { ru, type MessageKey } from "./messages";

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

function known(key: string): key is MessageKey {
  return key in ru;
}

const FIELD_PROBLEMS: Record<string, MessageKey> = {
  missing: "fieldError.missing",
  string_pattern_mismatch: "fieldError.format",
  string_too_short: "fieldError.too_short",
  too_short: "fieldError.too_short",
  string_too_long: "fieldError.too_long",
  too_long: "fieldError.too_long",
  int_parsing: "fieldError.number",
  decimal_parsing: "fieldError.number",
  float_parsing: "fieldError.number",
  literal_error: "fieldError.choice",
  enum: "fieldError.choice",
};

export function fieldMessage(t: T, error: FieldError): string {
  const name = error.field.split(".").filter((part) => !/^\d+$/.test(part)).pop() ?? "";
  const label = known(`field.${name}`) ? t(`field.${name}` as MessageKey) : t("field.other");
  const problem =
    FIELD_PROBLEMS[error.type] ?? (error.type === "value_error" && name.includes("email") ? "fieldError.email" : "fieldError.invalid");
  return t("error.field", { field: label, problem: t(problem) });
}

function passwordRules(t: T, rules: unknown): string | null {
  if (!Array.isArray(rules) || rules.length === 0) return null;
  const texts = rules.map((rule) => `password.rule.${String(rule)}`).filter(known).map((key) => t(key));
  return texts.length ? `${t("password.rules")} ${texts.join("; ")}` : null;
}

/** A person-readable message for an API error, in the UI language. */
export function describeError(t: T, error: unknown): string {
  if (!(error instanceof ApiError)) return t("common.error");
  const { problem } = error;
  if (problem.status === 0) return t("common.network");
  if (problem.status === 429) {
    return problem.retry_after ? t("error.retry_in", { seconds: problem.retry_after }) : t("error.rate_limited");
  }
  if (problem.code === "weak_password") return passwordRules(t, (problem as Record<string, unknown>).rules) ?? t("error.weak_password");
  if (problem.code === "validation_failed" && problem.errors?.length) return problem.errors.map((e) => fieldMessage(t, e)).join("; ");
  const key = `error.${problem.code}`;
  if (problem.code && known(key)) return t(key);
  return t("error.unknown", { status: problem.status });
}
