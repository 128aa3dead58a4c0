// Paying from a payment template (issue 17): the templates page opens the transfer form with the template's
// fields in the query; the form is only prefilled — the customer checks and confirms it as any transfer.
import { useEffect } from "react";

export type TransferPrefill = {
  mode: (mode: "account" | "phone") => void;
  toNumber: (value: string) => void;
  toPhone: (value: string) => void;
  fromId: (value: string) => void;
  amount: (value: string) => void;
  message: (value: string) => void;
};

export function useTransferPrefill(set: TransferPrefill): void {
  useEffect(() => {
    const query = new URLSearchParams(window.location.search);
    const number = query.get("to_account_number");
    const phone = query.get("to_phone");
    if (number) {
      set.mode("account");
      set.toNumber(number);
    } else if (phone) {
      set.mode("phone");
      set.toPhone(phone);
    }
    const from = query.get("from_account_id");
    if (from) set.fromId(from);
    const amount = query.get("amount");
    if (amount) set.amount(amount);
    const description = query.get("description");
    if (description) set.message(description);
    // Once, when the form opens (the setters are stable).
  }, []);
}
