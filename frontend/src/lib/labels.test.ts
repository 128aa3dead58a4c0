import { describe, expect, it } from "vitest";
import { translate } from "./i18n";
import { roleLabel, statusLabel } from "./labels";

describe("roles and statuses", () => {
  it("are translated whatever their case, and an unknown one is shown as it is", () => {
    const ru = (k: Parameters<typeof translate>[1]) => translate("ru", k);
    const en = (k: Parameters<typeof translate>[1]) => translate("en", k);
    expect(roleLabel(ru, "customer")).toBe("Клиент");
    expect(roleLabel(en, "employee")).toBe("Employee");
    expect(statusLabel(ru, "ACTIVE")).toBe("Активен");
    expect(statusLabel(en, "blocked")).toBe("Blocked");
    expect(statusLabel(ru, "weird")).toBe("weird");
  });
});

describe("the screens' texts", () => {
  it("are all in the dictionary as written (no key of messages.ts silently overrides one)", async () => {
    const { en, ru } = await import("./messages");
    const { screensEn, screensRu } = await import("./messages/screens");
    for (const [key, text] of Object.entries(screensRu)) expect(ru[key as keyof typeof ru], key).toBe(text);
    for (const [key, text] of Object.entries(screensEn)) expect(en[key as keyof typeof en], key).toBe(text);
  });
});
