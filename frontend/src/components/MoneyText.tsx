"use client";
import { Text, type TextProps } from "@mantine/core";
import { formatMoney, type Money } from "@/lib/money";
import { useI18n } from "@/lib/i18n";

export function MoneyText({ money, sign, ...props }: { money: Money | null | undefined; sign?: "+" | "−" } & TextProps) {
  const { locale } = useI18n();
  return (
    <Text component="span" style={{ fontVariantNumeric: "tabular-nums", whiteSpace: "nowrap" }} {...props}>
      {sign ? `${sign}\u2009` : ""}
      {formatMoney(money, locale)}
    </Text>
  );
}
