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

/** The language saved to the profile (on any device), or null when none was ever chosen or it cannot be read:
 * applied right after a sign-in, so a choice made on one device follows the person to the next. */
export async function savedLanguage(): Promise<Locale | null> {
  try {
    const { data } = await notificationsApi.GET("/api/notifications/preferences");
    return data && data.updated_at ? data.language : null;
  } catch {
    return null;
  }
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
