import { expect, it, vi } from "vitest";
import { fireEvent, screen, waitFor } from "@testing-library/react";
import { renderUi } from "@/test/render";
import { ConfirmWithReason } from "./ConfirmWithReason";

function dialog(onConfirm: (reason: string) => Promise<void>) {
  renderUi(
    <ConfirmWithReason opened title="Закрыть счёт" confirmLabel="Закрыть" onClose={() => undefined} onConfirm={onConfirm}>
      <p>Счёт 40817…</p>
    </ConfirmWithReason>,
  );
}

it("refuses a reason shorter than three characters and sends nothing", async () => {
  const onConfirm = vi.fn(async () => undefined);
  dialog(onConfirm);
  fireEvent.change(screen.getByTestId("confirm-reason-text"), { target: { value: "  ab " } });
  fireEvent.click(screen.getByTestId("confirm-reason-submit"));
  expect(await screen.findByText("Укажите причину: не меньше 3 символов")).toBeInTheDocument();
  expect(onConfirm).not.toHaveBeenCalled();
});

it("confirms once with the trimmed reason, even when clicked twice", async () => {
  let finish: () => void = () => undefined;
  const onConfirm = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
  dialog(onConfirm);
  fireEvent.change(screen.getByTestId("confirm-reason-text"), { target: { value: "  ошибка кассира  " } });
  fireEvent.click(screen.getByTestId("confirm-reason-submit"));
  fireEvent.click(screen.getByTestId("confirm-reason-submit"));
  finish();
  await waitFor(() => expect(onConfirm).toHaveBeenCalledTimes(1));
  expect(onConfirm).toHaveBeenCalledWith("ошибка кассира");
});

it("shows the problem in the dialog when the action is refused", async () => {
  dialog(async () => {
    throw new Error("boom");
  });
  fireEvent.change(screen.getByTestId("confirm-reason-text"), { target: { value: "по заявлению" } });
  fireEvent.click(screen.getByTestId("confirm-reason-submit"));
  expect(await screen.findByRole("alert")).toBeInTheDocument();
});
