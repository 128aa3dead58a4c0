"use client";
import { Select } from "@mantine/core";
import type { Account } from "@/api/models";
import { formatMoney } from "@/lib/money";
import { useI18n } from "@/lib/i18n";
import { productName } from "./OpenAccountModal";

export function AccountSelect({ label, accounts, value, onChange, testId }: { label: string; accounts: Account[]; value: string | null; onChange: (v: string | null) => void; testId?: string }) {
  const { t, locale } = useI18n();
  return (
    <Select
      label={label}
      data-testid={testId}
      data={accounts.map((a) => ({
        value: a.id,
        label: `${productName(t, a.product_code)} ··${a.number.slice(-4)} — ${formatMoney(a.available ?? a.balance, locale)}`,
      }))}
      value={value}
      onChange={onChange}
      allowDeselect={false}
      required
    />
  );
}
