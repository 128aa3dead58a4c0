"use client";
import { useEffect, useState } from "react";
import { Alert, Button, Modal, Select, Stack } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { accountsApi, newIdempotencyKey, unwrap } from "@/api/client";
import type { Account } from "@/api/models";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { useAsync } from "@/lib/useAsync";

export function productName(t: (k: MessageKey) => string, code: string, fallback?: string): string {
  const key = `product.${code}` as MessageKey;
  const label = t(key);
  return label === key ? (fallback ?? code) : label;
}

/** Self-service account opening; one Idempotency-Key per opened dialog so a retry never opens two. */
export function OpenAccountModal({ opened, onClose, onOpened }: { opened: boolean; onClose: () => void; onOpened: (a: Account) => void }) {
  const { t } = useI18n();
  const products = useAsync(async () => await unwrap(accountsApi.GET("/api/accounts/products")), []);
  const selfService = (products.data?.items ?? []).filter((p) => p.self_service);
  const [product, setProduct] = useState<string | null>("current");
  const [currency, setCurrency] = useState<string | null>("RUB");
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (opened) {
      setKey(newIdempotencyKey());
      setError(null);
    }
  }, [opened]);
  const currencies = selfService.find((p) => p.code === product)?.currencies ?? [];

  async function open() {
    if (!product || !currency || busy) return;
    setBusy(true);
    setError(null);
    try {
      const account = (await unwrap(
        accountsApi.POST("/api/accounts/open", { params: { header: { "Idempotency-Key": key } }, body: { product_code: product, currency } }),
      )) as unknown as Account;
      notifications.show({ color: "green", message: t("lk.openAccount.done") });
      onOpened(account);
      onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title={t("lk.openAccount.title")} centered closeButtonProps={{ "aria-label": t("common.close") }}>
      <Stack>
        <Select
          label={t("lk.openAccount.product")}
          data={selfService.map((p) => ({ value: p.code, label: productName(t, p.code, p.name) }))}
          value={product}
          onChange={(v) => {
            setProduct(v);
            setCurrency("RUB");
          }}
          allowDeselect={false}
        />
        <Select label={t("lk.openAccount.currency")} data={currencies} value={currencies.includes(currency ?? "") ? currency : null} onChange={setCurrency} allowDeselect={false} />
        {error != null && (
          <Alert color="red" role="alert">
            {errorMessage(t, error)}
          </Alert>
        )}
        <Button onClick={open} loading={busy} disabled={!product || !currency || !currencies.includes(currency)}>
          {t("lk.openAccount.submit")}
        </Button>
      </Stack>
    </Modal>
  );
}
