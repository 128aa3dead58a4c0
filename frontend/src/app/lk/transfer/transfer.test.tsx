import { beforeEach, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { jsonResponse, renderUi } from "@/test/render";
import { setTokens } from "@/api/session";
import Transfer from "./page";

vi.mock("next/link", () => ({ default: ({ href, children, ...rest }: { href: string; children: React.ReactNode }) => <a href={href} {...rest}>{children}</a> }));

const accounts = {
  items: [
    { id: "acc-1", number: "40817810200010000014", owner_id: "u", product_code: "current", currency: "RUB", status: "active", opened_at: null, closed_at: null, balance: { amount: "5000.00", currency: "RUB" }, available: { amount: "5000.00", currency: "RUB" } },
    { id: "acc-2", number: "42301810200010000021", owner_id: "u", product_code: "savings", currency: "RUB", status: "active", opened_at: null, closed_at: null, balance: { amount: "0.00", currency: "RUB" }, available: { amount: "0.00", currency: "RUB" } },
  ],
  next_cursor: null,
};

const transfers: Request[] = [];
const previews: Request[] = [];
const preview = {
  from_account_id: "acc-1", from_account_number: "40817810200010000014",
  recipient: { name: "Иван И.", account_number_masked: "•• 4444" },
  amount: { amount: "150.00", currency: "RUB" }, fee: { amount: "0.00", currency: "RUB" }, total: { amount: "150.00", currency: "RUB" },
};
let answers: Response[] = [];

beforeEach(() => {
  transfers.length = 0;
  previews.length = 0;
  window.history.replaceState(null, "", "/lk/transfer/");
  setTokens({ access_token: "A", expires_in: 300 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      if (input.url.endsWith("/api/accounts/my")) return jsonResponse(200, accounts);
      if (input.url.endsWith("/api/customer/transfer/preview")) {
        previews.push(input);
        return jsonResponse(200, preview);
      }
      if (input.url.endsWith("/api/customer/transfer")) {
        transfers.push(input);
        return jsonResponse(201, { transaction_id: "t-p2p", recipient: { name: "Иван И.", account_number: "4".repeat(20) } });
      }
      if (input.url.endsWith("/api/ledger/transfer")) {
        transfers.push(input);
        await new Promise((r) => setTimeout(r, 20));
        return answers.shift() ?? jsonResponse(201, { transaction_id: "t1" });
      }
      return jsonResponse(404, { code: "not_found" });
    }),
  );
});

it("a double click sends one payment, with the key generated when the form opened", async () => {
  answers = [];
  renderUi(<Transfer />);
  const form = await screen.findByTestId("transfer-form");
  const key = form.getAttribute("data-idempotency-key");
  fireEvent.change(screen.getByTestId("amount"), { target: { value: "100" } });
  fireEvent.click(screen.getByTestId("review"));
  expect(await screen.findByTestId("transfer-confirm")).toHaveTextContent("42301810200010000021");
  const pay = screen.getByTestId("pay");
  fireEvent.click(pay);
  fireEvent.click(pay);
  await screen.findByTestId("transfer-done");
  expect(transfers).toHaveLength(1);
  expect(transfers[0].headers.get("idempotency-key")).toBe(key);
  expect(await transfers[0].json()).toMatchObject({ from_account_id: "acc-1", to_account_id: "acc-2", amount: "100.00", currency: "RUB" });
});

it("a retry after an unknown outcome reuses the key; after a refusal a new attempt gets a new key", async () => {
  answers = [
    jsonResponse(503, { code: "dependency_unavailable", status: 503, title: "Unavailable" }),
    jsonResponse(422, { code: "insufficient_funds", status: 422, title: "Refused" }),
    jsonResponse(201, { transaction_id: "t" }),
  ];
  renderUi(<Transfer />);
  await screen.findByTestId("transfer-form");
  fireEvent.change(screen.getByTestId("amount"), { target: { value: "100" } });
  fireEvent.click(screen.getByTestId("review"));
  fireEvent.click(await screen.findByTestId("pay"));
  await screen.findByTestId("transfer-error");
  fireEvent.click(screen.getByTestId("pay"));
  await waitFor(() => expect(screen.getByTestId("transfer-error")).toHaveTextContent("Недостаточно средств"));
  fireEvent.click(screen.getByTestId("pay"));
  await screen.findByTestId("transfer-done");
  const keys = transfers.map((r) => r.headers.get("idempotency-key"));
  expect(keys[0]).toBe(keys[1]);
  expect(keys[2]).not.toBe(keys[1]);
});

it("rejects a float-looking or negative amount before anything is sent", async () => {
  renderUi(<Transfer />);
  await screen.findByTestId("transfer-form");
  fireEvent.change(screen.getByTestId("amount"), { target: { value: "-1" } });
  fireEvent.click(screen.getByTestId("review"));
  expect(await screen.findByText(/Введите сумму больше нуля/)).toBeInTheDocument();
  expect(transfers).toHaveLength(0);
});

it("by phone in the 8 9… form: the confirm step shows the masked name, fee and source, then a receipt", async () => {
  renderUi(<Transfer />);
  await screen.findByTestId("transfer-form");
  fireEvent.click(screen.getByText("По телефону"));
  fireEvent.change(await screen.findByTestId("to-phone"), { target: { value: "8 (900) 123-45-67" } });
  fireEvent.change(screen.getByTestId("amount"), { target: { value: "150" } });
  fireEvent.click(screen.getByTestId("review"));
  const confirm = await screen.findByTestId("transfer-confirm");
  expect(await previews[0].json()).toMatchObject({ to_phone: "+79001234567", amount: "150.00", from_account_id: "acc-1" });
  expect(transfers).toHaveLength(0);
  expect(confirm).toHaveTextContent("Иван И.");
  expect(confirm).toHaveTextContent("40817810200010000014");
  expect(confirm).toHaveTextContent(/0,00\s₽/);
  fireEvent.click(screen.getByTestId("pay"));
  expect(await screen.findByTestId("operation-id")).toHaveTextContent("t-p2p");
  expect(await transfers[0].json()).toMatchObject({ to_phone: "+79001234567", amount: "150.00" });
}, 30_000); // three screens in jsdom: slow on a busy machine

it("a repeat link prefills the form", async () => {
  window.history.replaceState(null, "", "/lk/transfer/?mode=account&to=40817810200010000099&amount=12.50");
  renderUi(<Transfer />);
  expect(await screen.findByTestId("to-number")).toHaveValue("40817810200010000099");
  expect(screen.getByTestId("amount")).toHaveValue("12.50");
});
