import { expect, it, vi } from "vitest";
import { fireEvent, screen } from "@testing-library/react";
import { renderUi } from "@/test/render";
import { ApiError } from "@/api/problem";
import { EmptyState, ErrorState, LoadingState } from "./States";
import { EmptyNote } from "./EmptyNote";

it("the loading state is announced and marked busy, in the chosen language", () => {
  renderUi(<LoadingState />, "en");
  const status = screen.getByRole("status");
  expect(status).toHaveAttribute("aria-busy", "true");
  expect(status).toHaveTextContent("Loading…");
});

it("an empty state says what is missing and links to the next step", () => {
  renderUi(<EmptyState text="Счетов пока нет." action={{ label: "Открыть счёт", href: "/lk/" }} />);
  expect(screen.getByTestId("empty")).toHaveTextContent("Счетов пока нет.");
  expect(screen.getByRole("link", { name: "Открыть счёт" })).toHaveAttribute("href", expect.stringMatching(/^\/lk\/?$/));
});

it("an empty state's next step can act on the page, and a hint can stand in for it", () => {
  const open = vi.fn();
  renderUi(<EmptyState text="No templates yet" hint="Create one below." action={{ label: "Open", onClick: open }} />, "en");
  expect(screen.getByTestId("empty")).toHaveTextContent("Create one below.");
  fireEvent.click(screen.getByRole("button", { name: "Open" }));
  expect(open).toHaveBeenCalledOnce();
});

it("the old EmptyNote name is the same shared empty state", () => {
  renderUi(<EmptyNote text="Договоров пока нет." />);
  expect(screen.getByTestId("empty")).toHaveTextContent("Договоров пока нет.");
  expect(screen.queryByTestId("empty-next")).toBeNull();
});

it("the error state offers a retry that calls back, with the message by the problem's code", () => {
  const retry = vi.fn();
  renderUi(<ErrorState error={new ApiError({ status: 422, code: "insufficient_funds" })} onRetry={retry} />, "en");
  expect(screen.getByRole("alert")).toHaveTextContent("Insufficient funds.");
  fireEvent.click(screen.getByRole("button", { name: "Retry" }));
  expect(retry).toHaveBeenCalledOnce();
});
