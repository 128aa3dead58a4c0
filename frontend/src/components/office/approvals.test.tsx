import { beforeEach, expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { jsonResponse, renderUi } from "@/test/render";
import { setTokens } from "@/api/session";
import { ApprovalsQueue } from "./ApprovalsQueue";

vi.mock("next/navigation", () => ({ usePathname: () => "/office/approvals/", useSearchParams: () => new URLSearchParams() }));

function request(id: string, canApprove: boolean) {
  return {
    id, kind: "topup", status: "pending", amount: { amount: "150000.00", currency: "RUB" }, account_id: "acc-1", transaction_id: null,
    description: "", details: { account_number: "40817810000000000001", customer_id: "cust-1" }, maker_id: "maker", needs_approval: true,
    decided_by: null, decided_at: null, decision_reason: null, created_at: "2026-11-01T10:00:00Z", expires_at: "2026-11-02T10:00:00Z",
    executed_at: null, result: null, can_approve: canApprove,
  };
}

const calls: Request[] = [];
let decide: Response | null = null;
let lists = 0;

beforeEach(() => {
  calls.length = 0;
  lists = 0;
  decide = null;
  setTokens({ access_token: "A", expires_in: 300 });
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: Request) => {
      calls.push(input);
      if (input.url.includes("/api/office/approvals?")) {
        lists += 1;
        return jsonResponse(200, { items: [request("own", false), request("other", true)], next_cursor: null });
      }
      if (input.url.endsWith("/approve")) return decide ?? jsonResponse(200, { ...request("other", false), status: "executed" });
      return jsonResponse(404, { code: "not_found" });
    }),
  );
});

it("shows the maker's own request with approve disabled and why, and asks for pending ones first", async () => {
  renderUi(<ApprovalsQueue />);
  const cards = await screen.findAllByTestId("approval");
  const own = cards.find((c) => c.getAttribute("data-request-id") === "own")!;
  expect(within(own).getByTestId("approval-approve")).toBeDisabled();
  expect(within(own).getByTestId("approval-own")).toHaveTextContent("одобрить его должен другой сотрудник");
  expect(calls[0].url).toContain("status=pending");
  const other = cards.find((c) => c.getAttribute("data-request-id") === "other")!;
  expect(within(other).getByTestId("approval-approve")).toBeEnabled();
});

it("approves with a reason through the confirm dialog and reloads the queue", async () => {
  renderUi(<ApprovalsQueue />);
  const cards = await screen.findAllByTestId("approval");
  fireEvent.click(within(cards[1]).getByTestId("approval-approve"));
  fireEvent.change(screen.getByTestId("approval-confirm-text"), { target: { value: "Проверил документы" } });
  fireEvent.click(screen.getByTestId("approval-confirm-submit"));
  expect(await screen.findByTestId("approvals-notice")).toHaveTextContent("Операция одобрена и исполнена.");
  const approve = calls.find((c) => c.url.endsWith("/api/office/approvals/other/approve"))!;
  expect(await approve.json()).toEqual({ reason: "Проверил документы" });
  await waitFor(() => expect(lists).toBe(2));
});

it("says a refusal in words inside the dialog", async () => {
  decide = jsonResponse(409, { code: "approval_already_decided", status: 409, title: "Decided" });
  renderUi(<ApprovalsQueue />);
  const cards = await screen.findAllByTestId("approval");
  fireEvent.click(within(cards[1]).getByTestId("approval-approve"));
  fireEvent.change(screen.getByTestId("approval-confirm-text"), { target: { value: "Проверил" } });
  fireEvent.click(screen.getByTestId("approval-confirm-submit"));
  await waitFor(() => expect(screen.getByTestId("approval-confirm")).toHaveTextContent("Решение по операции уже принято."));
});
