"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { en, ru, type MessageKey } from "./messages";
import { describeError } from "./errors";

export type Locale = "ru" | "en";
const STORAGE_KEY = "bank.locale";

type I18n = { locale: Locale; setLocale: (l: Locale) => void; t: (key: MessageKey, vars?: Record<string, string | number>) => string };

export function translate(locale: Locale, key: MessageKey, vars?: Record<string, string | number>): string {
  const text: string = (locale === "en" ? en : ru)[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)) : text;
}

const Ctx = createContext<I18n>({ locale: "ru", setLocale: () => {}, t: (k, v) => translate("ru", k, v) });

export function I18nProvider({ children, initial = "ru" }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(initial);
  useEffect(() => {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "ru") setLocaleState(saved);
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    window.localStorage.setItem(STORAGE_KEY, l);
  }, []);
  const value = useMemo<I18n>(() => ({ locale, setLocale, t: (k, v) => translate(locale, k, v) }), [locale, setLocale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  return useContext(Ctx);
}

/** A person-readable message for an API error, by its stable code (src/lib/errors.ts). */
export function errorMessage(t: I18n["t"], error: unknown): string {
  return describeError(t, error);
}
