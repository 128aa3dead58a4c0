"use client";
import type { ReactNode } from "react";
import { MantineProvider, createTheme } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { I18nProvider } from "@/lib/i18n";
import { SessionProvider } from "@/lib/session";

export const theme = createTheme({
  primaryColor: "bank",
  primaryShade: 7,
  colors: {
    // a deep northern blue; shade 7+ passes WCAG AA on white for text and buttons
    bank: ["#e8f1fb", "#d0e1f5", "#a3c2ea", "#719fdd", "#4a82d3", "#2f6fcc", "#1f63c9", "#1452ae", "#0c489c", "#003d8a"],
  },
  fontFamily: "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  defaultRadius: "md",
  headings: { fontWeight: "700" },
});

export function Providers({ children }: { children: ReactNode }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <Notifications position="top-right" />
      <I18nProvider>
        <SessionProvider>{children}</SessionProvider>
      </I18nProvider>
    </MantineProvider>
  );
}
