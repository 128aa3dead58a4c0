import { describe as suite, expect, it } from "vitest";
import { translate } from "./i18n";
import { describe, exchangeRateText, matches, toOperations, type FeedPosting } from "./history";

const ru = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate("ru", k, v);
const en = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate("en", k, v);
const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

function posting(over: Partial<FeedPosting>): FeedPosting {
  return { transaction_id: "t1", account_id: "a1", type: "transfer", direction: "debit", amount: { amount: "100.00", currency: "RUB" }, description: "", created_at: "2026-12-01T10:00:00Z", ...over };
}

const exchange = [
  posting({ type: "exchange", direction: "credit", account_id: "usd", amount: { amount: "12.22", currency: "USD" }, description: "Exchange RUB→USD at 0.012216083486" }),
  posting({ type: "exchange", direction: "debit", account_id: "rub", amount: { amount: "1000.00", currency: "RUB" }, description: "Exchange RUB→USD at 0.012216083486" }),
];

suite("the history feed", () => {
  it("reads an exchange the way a Russian customer does, in both languages", () => {
    const [op] = toOperations(exchange);
    expect(op.kind).toBe("exchange");
    expect(nb(describe(ru, op, "ru"))).toBe("Обмен 1 000,00 ₽ → 12,22 $ по курсу 1 $ = 81,86 ₽");
    expect(nb(describe(en, op, "en"))).toBe("Exchange ₽1,000.00 → $12.22 at $1 = ₽81.86");
  });

  it("a sale of foreign currency for roubles and a pair without roubles", () => {
    expect(nb(exchangeRateText({ amount: "100.00", currency: "USD" }, { amount: "8186.00", currency: "RUB" }, "81.86", "ru"))).toBe("1 $ = 81,86 ₽");
    expect(nb(exchangeRateText({ amount: "100.00", currency: "USD" }, { amount: "86.39", currency: "EUR" }, "0.8639", "ru"))).toBe("1 $ = 0,8639 €");
    // No rate in the description: computed from the two amounts.
    expect(nb(exchangeRateText({ amount: "100.00", currency: "USD" }, { amount: "8000.00", currency: "RUB" }, undefined, "ru"))).toBe("1 $ = 80,00 ₽");
  });

  it("pairs both legs of an own transfer into one operation; one leg is a transfer in or out", () => {
    const own = toOperations([posting({ direction: "credit", account_id: "a2" }), posting({})]);
    expect(own).toHaveLength(1);
    expect(describe(ru, own[0], "ru")).toBe("Перевод между своими счетами");
    expect(describe(ru, toOperations([posting({ transaction_id: "x" })])[0], "ru")).toBe("Исходящий перевод");
    expect(describe(en, toOperations([posting({ transaction_id: "y", direction: "credit" })])[0], "en")).toBe("Incoming transfer");
  });

  it("names the provider of a utility bill and every other kind", () => {
    const bill = toOperations([posting({ type: "hold_capture", description: "ЖКХ: Мосэнергосбыт, 1234567" })])[0];
    expect(bill.kind).toBe("bill");
    expect(describe(ru, bill, "ru")).toBe("Оплата услуг: Мосэнергосбыт");
    expect(describe(en, bill, "en")).toBe("Bill payment: Мосэнергосбыт");
    for (const [type, text] of [["topup", "Пополнение счёта"], ["issuance", "Начисление"], ["reversal", "Сторно операции"], ["hold_capture", "Списание по удержанию"]]) {
      expect(describe(ru, toOperations([posting({ type, transaction_id: type })])[0], "ru")).toBe(text);
    }
  });

  it("searches by amount in any usual spelling and by words of the texts", () => {
    const [op] = toOperations(exchange);
    expect(matches(op, "1 000", "")).toBe(true);
    expect(matches(op, "12,22", "")).toBe(true);
    expect(matches(op, "12,2", "")).toBe(false);
    expect(matches(op, "обмен", "Обмен 1 000 ₽")).toBe(true);
    const transfer = toOperations([posting({ transaction_id: "z", description: "За обед" })])[0];
    expect(matches(transfer, "обед", "Исходящий перевод")).toBe(true);
    expect(matches(transfer, "ужин", "Исходящий перевод")).toBe(false);
    expect(matches(transfer, "", "")).toBe(true);
  });
});
