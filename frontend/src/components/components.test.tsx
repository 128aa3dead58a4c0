import { beforeEach, expect, it, vi } from "vitest";
import { act, fireEvent, screen } from "@testing-library/react";
import { jsonResponse, renderUi } from "@/test/render";
import { ErrorState } from "./States";
import { ApiError } from "@/api/problem";
import type { Quote } from "@/api/models";
import { liveQuote } from "./ExchangeForm";
import { LanguageSwitch } from "./LanguageSwitch";
import { useI18n } from "@/lib/i18n";
import { SignInForm } from "./SignInForm";
import { SessionProvider } from "@/lib/session";

vi.mock("next/navigation", () => ({ useRouter: () => ({ replace: vi.fn(), push: vi.fn() }), usePathname: () => "/", useSearchParams: () => new URLSearchParams() }));

beforeEach(() => vi.unstubAllGlobals());

it("a missing route shows 'not available yet' instead of an error", () => {
  renderUi(<ErrorState error={new ApiError({ status: 404, code: "not_found" })} />);
  expect(screen.getByTestId("not-available")).toHaveTextContent("Скоро будет доступно");
});

it("a domain error is shown by its stable code, in the chosen language", () => {
  renderUi(<ErrorState error={new ApiError({ status: 422, code: "insufficient_funds" })} />, "en");
  expect(screen.getByRole("alert")).toHaveTextContent("Insufficient funds.");
});

it("reads a quote and its expiry", () => {
  const quote: Quote = {
    id: "q1", from_account_id: "a", to_account_id: "b", sell: { amount: "1000.00", currency: "RUB" },
    buy: { amount: "11.20", currency: "USD" }, fixed_side: "sell", rate: "0.0112", mid_rate: "0.0113", spread_bps: 50,
    rate_date: "2026-12-01", rate_source: "ecb", rate_stale: false, status: "open",
    expires_at: new Date(31_000).toISOString(), created_at: new Date(1_000).toISOString(),
  };
  const q = liveQuote(quote, 1_000);
  expect(q).toMatchObject({ id: "q1", expiresAtMs: 31_000, ttlMs: 30_000 });
  expect(q.buy.amount).toBe("11.20");
});

function Title() {
  const { t } = useI18n();
  return <h1>{t("nav.lk")}</h1>;
}

it("switches between Russian (default) and English", () => {
  renderUi(
    <>
      <LanguageSwitch />
      <Title />
    </>,
  );
  expect(screen.getByRole("heading")).toHaveTextContent("Личный кабинет");
  act(() => fireEvent.click(screen.getByText("EN")));
  expect(screen.getByRole("heading")).toHaveTextContent("Online banking");
  expect(document.documentElement.lang).toBe("en");
});

it("asks for the one-time code only when the account requires it", async () => {
  const bodies: unknown[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (r: Request) => {
      if (r.url.endsWith("/api/auth/login")) {
        const body = await r.json();
        bodies.push(body);
        return body.totp ? jsonResponse(200, { access_token: "A", token_type: "Bearer", expires_in: 300 }) : jsonResponse(401, { status: 401, code: "mfa_required" });
      }
      if (r.url.endsWith("/api/auth/me")) return jsonResponse(200, { id: "u", email: "a@b.example", full_name: "A B", phone: null, status: "active", roles: ["customer"], mfa_enabled: true, created_at: "2026-01-01T00:00:00Z" });
      return jsonResponse(404, {});
    }),
  );
  const signedIn = vi.fn();
  renderUi(
    <SessionProvider>
      <SignInForm onSignedIn={signedIn} />
    </SessionProvider>,
  );
  fireEvent.change(screen.getByRole("textbox", { name: /Электронная почта/ }), { target: { value: "a@b.example" } });
  fireEvent.change(screen.getByLabelText(/Пароль/), { target: { value: "Secret-12345" } });
  fireEvent.click(screen.getByRole("button", { name: "Войти" }));
  expect(await screen.findByText(/Введите одноразовый код/)).toBeInTheDocument();
  const cells = screen.getAllByRole("textbox", { name: /Код из приложения/ });
  "123456".split("").forEach((d, i) => fireEvent.change(cells[i], { target: { value: d } }));
  fireEvent.click(screen.getByRole("button", { name: "Войти" }));
  await vi.waitFor(() => expect(signedIn).toHaveBeenCalled());
  expect(bodies).toEqual([
    { email: "a@b.example", password: "Secret-12345", totp: null },
    { email: "a@b.example", password: "Secret-12345", totp: "123456" },
  ]);
});

it("a 429 on /me right after a good login says when to try again (the form is not left silent)", async () => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (r: Request) => {
      if (r.url.endsWith("/api/auth/login")) return jsonResponse(200, { access_token: "A", token_type: "Bearer", expires_in: 300 });
      if (r.url.endsWith("/api/auth/me")) {
        const limited = jsonResponse(429, { status: 429, code: "rate_limited", title: "Too many requests" }, "application/problem+json");
        limited.headers.set("Retry-After", "12");
        return limited;
      }
      return jsonResponse(404, {});
    }),
  );
  const signedIn = vi.fn();
  renderUi(
    <SessionProvider>
      <SignInForm onSignedIn={signedIn} />
    </SessionProvider>,
  );
  fireEvent.change(screen.getByRole("textbox", { name: /Электронная почта/ }), { target: { value: "a@b.example" } });
  fireEvent.change(screen.getByLabelText(/Пароль/), { target: { value: "Secret-12345" } });
  fireEvent.click(screen.getByRole("button", { name: "Войти" }));
  expect(await screen.findByText("Слишком много запросов. Повторите через 12 с.")).toBeInTheDocument();
  expect(signedIn).not.toHaveBeenCalled();
});

it("notification settings: one switch per kind and channel, security notices locked, a change is saved", async () => {
  const { NotificationSettings } = await import("./NotificationSettings");
  const { setTokens } = await import("@/api/session");
  setTokens({ access_token: "A", expires_in: 300 });
  const channels = { account_opened: { email: true, inbox: true, push: true }, user_locked: { email: true, inbox: true, push: true } };
  const puts: unknown[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (r: Request) => {
      if (r.method === "PUT") {
        const body = await r.json();
        puts.push(body);
        return jsonResponse(200, { user_id: "u", language: "ru", channels: { ...channels, ...body.channels }, security_kinds: ["user_locked"], updated_at: null });
      }
      return jsonResponse(200, { user_id: "u", language: "ru", channels, security_kinds: ["user_locked"], updated_at: null });
    }),
  );
  renderUi(<NotificationSettings />);
  const mail = await screen.findByLabelText("Счёт открыт: Почта");
  expect(screen.getByLabelText("Вход заблокирован: Почта")).toBeDisabled();
  await act(async () => fireEvent.click(mail));
  expect(puts).toEqual([{ channels: { account_opened: { email: false } } }]);
  expect(screen.getByLabelText("Вход заблокирован: Push")).toBeDisabled();
  expect(screen.getByTestId("push-switch")).toBeDisabled(); // jsdom has no PushManager
  setTokens(null);
});
