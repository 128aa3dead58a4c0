"use client";
import Link from "next/link";
import { Anchor } from "@mantine/core";
import { useI18n } from "@/lib/i18n";
import { repeatHref } from "@/lib/repeat";

/** "Repeat" on an outgoing transfer in a history list: the transfer form opens with the same source and amount. */
export function RepeatLink({ from, amount, message }: { from: string; amount: string; message?: string }) {
  const { t } = useI18n();
  return (
    <Anchor component={Link} href={repeatHref({ from, amount, message })} size="xs" data-testid="tx-repeat">
      {t("pay.repeat")}
    </Anchor>
  );
}
