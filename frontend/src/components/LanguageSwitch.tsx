"use client";
import { SegmentedControl, VisuallyHidden } from "@mantine/core";
import { useI18n, type Locale } from "@/lib/i18n";

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div role="group" aria-label={t("lang.label")}>
      <VisuallyHidden>{t("lang.label")}</VisuallyHidden>
      <SegmentedControl
        size="xs"
        value={locale}
        onChange={(v) => setLocale(v as Locale)}
        data={[
          { value: "ru", label: "RU" },
          { value: "en", label: "EN" },
        ]}
        aria-label={t("lang.label")}
      />
    </div>
  );
}
