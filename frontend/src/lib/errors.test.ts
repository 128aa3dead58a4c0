// Every problem code the APIs document has a message in Russian and English (issue 14 item 8): the codes are
// read from api_spec/*.openapi.json (`x-problem-codes` of each service's Problem schema).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiError } from "@/api/problem";
import { describeError } from "./errors";
import { translate } from "./i18n";
import { en, ru, type MessageKey } from "./messages";

const SPECS = join(process.cwd(), "..", "api_spec"); // vitest runs from frontend/

function documentedCodes(): string[] {
  const codes = new Set<string>();
  for (const name of readdirSync(SPECS).filter((n) => n.endsWith(".openapi.json"))) {
    const spec = JSON.parse(readFileSync(join(SPECS, name), "utf8"));
    for (const code of spec.components.schemas.Problem["x-problem-codes"] as string[]) codes.add(code);
  }
  return [...codes].sort();
}

const tRu = (key: MessageKey, vars?: Record<string, string | number>) => translate("ru", key, vars);
const tEn = (key: MessageKey, vars?: Record<string, string | number>) => translate("en", key, vars);

it("every code in api_spec has a message in ru and en", () => {
  const codes = documentedCodes();
  expect(codes.length).toBeGreaterThan(90);
  const missing = codes.filter((code) => {
    const key = `error.${code}` as MessageKey;
    return !(key in ru) || !ru[key as keyof typeof ru] || !en[key];
  });
  expect(missing).toEqual([]);
});

it("a problem is shown by its code in the UI language, never by the server's text", () => {
  const error = new ApiError({ status: 422, code: "insufficient_funds", detail: "Available balance is below 10.00" });
  expect(describeError(tRu, error)).toBe("Недостаточно средств на счёте.");
  expect(describeError(tEn, error)).toBe("Insufficient funds.");
  const unknown = new ApiError({ status: 418, code: "teapot", detail: "I'm a teapot, in English" });
  expect(describeError(tRu, unknown)).not.toContain("English");
});

it("validation errors name each field in the UI language, never a regex", () => {
  const error = new ApiError({
    status: 422,
    code: "validation_failed",
    errors: [
      { field: "phone", message: "String should match pattern '^\\+?[0-9][0-9 ()-]{5,18}[0-9]$'", type: "string_pattern_mismatch" },
      { field: "email", message: "value is not a valid email address", type: "value_error" },
      { field: "full_name", message: "Field required", type: "missing" },
    ],
  });
  const text = describeError(tRu, error);
  expect(text).toBe("Телефон: неверный формат; Электронная почта: неверный адрес электронной почты; Фамилия, имя и отчество: обязательное поле");
  expect(text).not.toMatch(/pattern|\^|[A-Za-z]{4,}/);
});

it("password rules are listed one by one", () => {
  const error = new ApiError({ status: 422, code: "weak_password", rules: ["min_length", "letter_and_digit"] } as never);
  expect(describeError(tRu, error)).toBe("Пароль не подходит: не короче 10 символов; хотя бы одна буква и одна цифра");
  expect(describeError(tEn, error)).toBe("The password does not fit: at least 10 characters; at least one letter and one digit");
});

it("429 says when to try again", () => {
  expect(describeError(tRu, new ApiError({ status: 429, code: "rate_limited", retry_after: 7 }))).toBe("Слишком много запросов. Повторите через 7 с.");
  expect(describeError(tEn, new ApiError({ status: 429, code: "rate_limited", retry_after: 7 }))).toBe("Too many requests. Try again in 7 s.");
});
