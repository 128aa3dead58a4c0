import { beforeEach, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { jsonResponse, renderUi } from "@/test/render";
import { setTokens } from "@/api/session";
import { TopupForm } from "./TopupForm";

const topups: Request[] = [];

/** Amount, then the confirm step with a reason. */
function submitTopup(amount: string) {
  fireEvent.change(screen.getByTestId("topup-amount"), { target: { value: amount } });
  fireEvent.click(screen.getByTestId("topup-submit"));
  fireEvent.change(screen.getByTestId("topup-confirm-text"), { target: { value: "Клиент в кассе" } });
  fireEvent.click(screen.getByTestId("topup-confirm-submit"));
}
let answers: Response[] = [];

beforeEach(() => {
  topups.length = 0;
  answers = [];
  setTokens({ access_token: "A", expires_in: 300 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      if (input.url.endsWith("/api/office/accounts/acc-1/topup")) {
        topups.push(input);
        await new Promise((r) => setTimeout(r, 20));
        return answers.shift() ?? jsonResponse(201, { transaction_id: "t1", created_at: "2026-11-01T10:00:00Z" });
      }
      return jsonResponse(404, { code: "not_found" });
    }),
  );
});

it("a double-clicked top-up sends one request with the key created when the form opened", async () => {
  const onDone = vi.fn();
  renderUi(<TopupForm accountId="acc-1" currency="RUB" onDone={onDone} accountNumber="40817810777777777777" customerName="Анна Петрова" />);
  const key = screen.getByTestId("topup-form").getAttribute("data-idempotency-key");
  expect(key).toMatch(/^[0-9a-f-]{36}$/);
  fireEvent.change(screen.getByTestId("topup-amount"), { target: { value: "1 500,5" } });
  fireEvent.click(screen.getByTestId("topup-submit"));
  expect(topups).toHaveLength(0); // nothing is sent before the confirm step
  expect(screen.getByTestId("topup-confirm")).toHaveTextContent("1 500,50");
  expect(screen.getByTestId("topup-confirm")).toHaveTextContent("7777 7777");
  fireEvent.change(screen.getByTestId("topup-confirm-text"), { target: { value: "Клиент в кассе" } });
  const confirm = screen.getByTestId("topup-confirm-submit");
  fireEvent.click(confirm);
  fireEvent.click(confirm);
  expect(await screen.findByTestId("topup-receipt")).toHaveTextContent("t1");
  expect(screen.getByTestId("topup-receipt")).toHaveTextContent("Анна Петрова");
  expect(topups).toHaveLength(1);
  expect(topups[0].headers.get("idempotency-key")).toBe(key);
  expect(topups[0].headers.get("authorization")).toBe("Bearer A");
  expect(await topups[0].json()).toMatchObject({ amount: "1500.50", currency: "RUB", reason: "Клиент в кассе" });
  expect(onDone).toHaveBeenCalledTimes(1);
});

it("a retry after an unknown outcome reuses the key and shows the problem's message", async () => {
  answers = [
    jsonResponse(503, { code: "dependency_unavailable", status: 503, title: "Unavailable" }),
    jsonResponse(404, { code: "account_not_found", status: 404, title: "Not found" }),
  ];
  renderUi(<TopupForm accountId="acc-1" currency="RUB" onDone={() => undefined} />);
  submitTopup("100");
  await screen.findByText("Сервис временно недоступен", { exact: false });
  fireEvent.click(screen.getByTestId("topup-confirm-submit"));
  await waitFor(() => expect(screen.getByTestId("topup-confirm")).toHaveTextContent("Счёт не найден."));
  expect(topups).toHaveLength(2);
  expect(topups[0].headers.get("idempotency-key")).toBe(topups[1].headers.get("idempotency-key"));
});

it("sends nothing for an amount that is not positive", async () => {
  renderUi(<TopupForm accountId="acc-1" currency="RUB" onDone={() => undefined} />);
  fireEvent.change(screen.getByTestId("topup-amount"), { target: { value: "0" } });
  fireEvent.click(screen.getByTestId("topup-submit"));
  expect(await screen.findByText(/Введите сумму больше нуля/)).toBeInTheDocument();
  expect(topups).toHaveLength(0);
});

it("a top-up at or above the approval threshold says it waits for a second employee", async () => {
  answers = [jsonResponse(202, { id: "req-1", kind: "topup", status: "pending", can_approve: false })];
  renderUi(<TopupForm accountId="acc-1" currency="RUB" onDone={() => undefined} />);
  submitTopup("150000");
  expect(await screen.findByTestId("topup-pending")).toHaveTextContent("ждёт подтверждения другого сотрудника");
  expect(screen.getByRole("link", { name: "Открыть очередь подтверждений" })).toHaveAttribute("href", expect.stringMatching(/^\/office\/approvals\/?$/));
  expect(screen.queryByTestId("topup-receipt")).not.toBeInTheDocument();
});

it("a limit refusal is shown in words", async () => {
  answers = [jsonResponse(422, { code: "operation_limit_exceeded", status: 422, title: "Limit" })];
  renderUi(<TopupForm accountId="acc-1" currency="RUB" onDone={() => undefined} />);
  submitTopup("999999999999");
  await waitFor(() => expect(screen.getByTestId("topup-confirm")).toHaveTextContent("Сумма больше предела одной операции."));
});
