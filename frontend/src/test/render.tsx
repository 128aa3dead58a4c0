import type { ReactElement } from "react";
import { render } from "@testing-library/react";
import { MantineProvider } from "@mantine/core";
import { I18nProvider, type Locale } from "@/lib/i18n";
import { theme } from "@/components/Providers";

export function renderUi(ui: ReactElement, locale: Locale = "ru") {
  return render(
    <MantineProvider theme={theme} env="test">
      <I18nProvider initial={locale}>{ui}</I18nProvider>
    </MantineProvider>,
  );
}

export function jsonResponse(status: number, body: unknown, type = "application/json"): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": type } });
}
