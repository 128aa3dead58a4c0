import { describe as suite, expect, it } from "vitest";
import { translate } from "./i18n";
import { counterpartyText, matches, toOperations, type FeedPosting } from "./history";

const ru = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate("ru", k, v);
const en = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate("en", k, v);

function posting(over: Partial<FeedPosting>): FeedPosting {
  return { transaction_id: "t1", account_id: "a1", type: "transfer", direction: "debit", amount: { amount: "100.00", currency: "RUB" }, description: "", created_at: "2026-12-01T10:00:00Z", ...over };
}

suite("the counterparty in the feed", () => {
  it("names a person, a merchant or a card as recorded, the cash desk and the bank in the UI language", () => {
    const [out] = toOperations([posting({ counterparty: { kind: "person", name: "Иван И." } })]);
    expect(counterpartyText(ru, out.counterparty)).toBe("Иван И.");
    expect(counterpartyText(en, { kind: "cash_desk" })).toBe("Bank cash desk");
    expect(counterpartyText(ru, { kind: "cash_desk" })).toBe("Касса банка");
    expect(counterpartyText(ru, { kind: "bank" })).toBe("Банк");
    expect(counterpartyText(ru, null)).toBe("");
  });

  it("older operations and own transfers have none", () => {
    expect(toOperations([posting({})])[0].counterparty).toBeUndefined();
    const own = toOperations([posting({ direction: "credit", account_id: "a2", counterparty: { kind: "person", name: "Я" } }), posting({})]);
    expect(own[0].counterparty).toBeUndefined();
  });

  it("search finds an operation by its counterparty's name, in any case", () => {
    const [op] = toOperations([posting({ counterparty: { kind: "person", name: "Иван И." } })]);
    expect(matches(op, "иван", "Исходящий перевод")).toBe(true);
    expect(matches(op, "Пётр", "Исходящий перевод")).toBe(false);
  });
});
