"use client";
import { useState } from "react";
import { Alert, Button, Group, Select } from "@mantine/core";
import { accountsApi, newIdempotencyKey, unwrap } from "@/api/client";
import type { Product } from "@/api/models";
import { productName } from "@/components/OpenAccountModal";
import { errorMessage, useI18n } from "@/lib/i18n";
import { useAsync } from "@/lib/useAsync";
import { officeApi } from "./api";

const FALLBACK: Product[] = [{ code: "current", name: "current", kind: "current", currencies: ["RUB", "USD", "EUR"], self_service: true, overdraft_limit_minor: 0 }];

/** Opens an account of any product for the customer; one Idempotency-Key per opened form. */
export function OpenAccountForm({ customerId, onOpened }: { customerId: string; onOpened: () => void }) {
  const { t } = useI18n();
  const products = useAsync(async () => await unwrap(accountsApi.GET("/api/accounts/products")), []);
  const list = products.data?.items?.length ? products.data.items : FALLBACK;
  const [product, setProduct] = useState<string | null>("current");
  const [currency, setCurrency] = useState<string | null>("RUB");
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const currencies = list.find((p) => p.code === product)?.currencies ?? [];

  async function open() {
    if (!product || !currency || busy) return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await unwrap(
        officeApi.POST("/api/office/customers/{customer_id}/accounts", {
          params: { path: { customer_id: customerId }, header: { "Idempotency-Key": key } },
          body: { product_code: product, currency },
        }),
      );
      setDone(true);
      setKey(newIdempotencyKey());
      onOpened();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div data-testid="open-account-form" data-idempotency-key={key}>
      <Group align="flex-end" wrap="wrap" gap="xs">
        <Select
          label={t("office.account.product")}
          data={list.map((p) => ({ value: p.code, label: productName(t, p.code, p.name) }))}
          value={product}
          onChange={(v) => {
            setProduct(v);
            setCurrency("RUB");
          }}
          allowDeselect={false}
          w={{ base: "100%", xs: 240 }}
        />
        <Select
          label={t("office.account.currency")}
          data={currencies}
          value={currencies.includes(currency ?? "") ? currency : null}
          onChange={setCurrency}
          allowDeselect={false}
          w={{ base: "100%", xs: 120 }}
        />
        <Button onClick={open} loading={busy} disabled={!product || !currency || !currencies.includes(currency)}>
          {t("office.account.open")}
        </Button>
      </Group>
      {error != null && (
        <Alert mt="xs" color="red" role="alert">
          {errorMessage(t, error)}
        </Alert>
      )}
      {done && (
        <Alert mt="xs" color="green" role="status">
          {t("office.account.opened")}
        </Alert>
      )}
    </div>
  );
}
