"use client";
import type { ReactNode } from "react";
import { Anchor, MantineProvider, createTheme, type CSSVariablesResolver } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { I18nProvider } from "@/lib/i18n";
import { SessionProvider } from "@/lib/session";

export const theme = createTheme({
  primaryColor: "bank",
  primaryShade: 7,
  colors: {
    // a deep northern blue; shade 7+ passes WCAG AA on white for text and buttons
    bank: ["#e8f1fb", "#d0e1f5", "#a3c2ea", "#719fdd", "#4a82d3", "#2f6fcc", "#1f63c9", "#1452ae", "#0c489c", "#003d8a"],
    // Mantine's green with shades 8 and 9 darkened so credit amounts in green.9 pass WCAG AA (4.5:1) as text.
    green: ["#ebfbee", "#d3f9d8", "#b2f2bb", "#8ce99a", "#69db7c", "#51cf66", "#40c057", "#37b24d", "#237a36", "#1b6a2d"],
  },
  fontFamily: "Inter, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif",
  defaultRadius: "md",
  headings: { fontWeight: "700" },
  // WCAG 1.4.1: a link inside text must not differ by colour alone (axe link-in-text-block).
  components: { Anchor: Anchor.extend({ defaultProps: { underline: "always" } }) },
});

// WCAG AA: Mantine's "dimmed" text (gray.6, #868e96) is 3.3:1 on white; gray.7 is ~5.7:1. Set through the
// resolver because Mantine defines the variable per colour scheme, above any plain :root rule.
const cssVariables: CSSVariablesResolver = () => ({ variables: {}, light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)" }, dark: {} });

export function Providers({ children }: { children: ReactNode }) {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariables}>
      <Notifications position="top-right" />
      <I18nProvider>
        <SessionProvider>{children}</SessionProvider>
      </I18nProvider>
    </MantineProvider>
  );
}
