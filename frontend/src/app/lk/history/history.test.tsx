import { beforeEach, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { jsonResponse, renderUi } from "@/test/render";
import { setTokens } from "@/api/session";
import History from "./page";

const posting = (id: string, description: string, name: string | null) => ({
  transaction_id: id, account_id: "acc-1", type: "transfer", direction: "credit",
  amount: { amount: "10.00", currency: "RUB" }, description, created_at: "2026-12-01T10:00:00Z",
  counterparty: name ? { kind: "person", name } : null,
});
const feeds: URL[] = [];

beforeEach(() => {
  feeds.length = 0;
  setTokens({ access_token: "A", expires_in: 300 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      const url = new URL(input.url);
      if (url.pathname === "/api/accounts/my") return jsonResponse(200, { items: [], next_cursor: null });
      if (url.pathname === "/api/ledger/transactions") {
        feeds.push(url);
        if (url.searchParams.get("q") === "Иван") return jsonResponse(200, { items: [posting("t-old", "", "Иван И.")], next_cursor: null });
        return jsonResponse(200, { items: [posting("t-new", "обед", "Пётр П.")], next_cursor: "more" });
      }
      return jsonResponse(404, { code: "not_found" });
    }),
  );
});

it("a search that the loaded pages miss asks the ledger for the whole history, and typing again goes back to the loaded pages", async () => {
  renderUi(<History />);
  expect(await screen.findByText("Пётр П.")).toBeInTheDocument();
  fireEvent.change(screen.getByTestId("feed-search"), { target: { value: "Иван" } });
  fireEvent.click(await screen.findByTestId("feed-search-everywhere"));
  expect(await screen.findByText("Иван И.")).toBeInTheDocument();
  expect(feeds.at(-1)?.searchParams.get("q")).toBe("Иван");
  fireEvent.change(screen.getByTestId("feed-search"), { target: { value: "Пётр" } });
  await waitFor(() => expect(feeds.at(-1)?.searchParams.get("q")).toBeNull());
  expect(await screen.findByText("Пётр П.")).toBeInTheDocument();
});
