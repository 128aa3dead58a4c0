"use client";
import { SegmentedControl, VisuallyHidden } from "@mantine/core";
import { useI18n, type Locale } from "@/lib/i18n";
import { notificationsApi } from "@/api/client";
import { getTokens } from "@/api/session";

/** Signed in, the choice is also stored by notifications: the next mails and inbox texts follow it. */
export function saveLanguage(locale: Locale): void {
  if (!getTokens()) return;
  void notificationsApi
    .PUT("/api/notifications/preferences", { body: { language: locale } })
    .catch(() => undefined); // the screen's language has changed anyway; the next switch retries
}

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <div role="group" aria-label={t("lang.label")}>
      <VisuallyHidden>{t("lang.label")}</VisuallyHidden>
      <SegmentedControl
        size="xs"
        value={locale}
        onChange={(v) => {
          setLocale(v as Locale);
          saveLanguage(v as Locale);
        }}
        data={[
          { value: "ru", label: "RU" },
          { value: "en", label: "EN" },
        ]}
        aria-label={t("lang.label")}
      />
    </div>
  );
}
