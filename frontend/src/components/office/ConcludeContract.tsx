"use client";
import { useEffect, useState, type FormEvent } from "react";
import { Alert, Button, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { contractsApi, newIdempotencyKey, unwrap } from "@/api/client";
import type { ContractItem, ContractTemplate } from "@/api/models";
import { errorMessage, useI18n } from "@/lib/i18n";
import { officeApi, type OfficeCustomer } from "./api";

const AUTOMATIC = new Set(["contract_number", "contract_date", "customer_id"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Conclude a contract for a customer: the customer found by search (or their id pasted), a template, and the
 * values of the template's placeholders. One Idempotency-Key per filled form, so a retry creates one draft. */
export function ConcludeContract({ templates, onConcluded }: { templates: ContractTemplate[]; onConcluded: (c: ContractItem) => void }) {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<OfficeCustomer[]>([]);
  const [customer, setCustomer] = useState<string | null>(null);
  const [template, setTemplate] = useState<string | null>(null);
  const [placeholders, setPlaceholders] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    if (!template) return setPlaceholders([]);
    let live = true;
    unwrap(contractsApi.GET("/api/contracts/templates/{template_id}", { params: { path: { template_id: template } } }))
      .then((detail) => live && setPlaceholders((detail.versions[0]?.placeholders ?? []).filter((p) => !AUTOMATIC.has(p))))
      .catch((err) => live && setProblem(errorMessage(t, err)));
    return () => {
      live = false;
    };
  }, [template, t]);

  async function search() {
    const text = query.trim();
    if (UUID.test(text)) return setCustomer(text);
    try {
      const page = await unwrap(officeApi.GET("/api/office/customers", { params: { query: { query: text || undefined } } }));
      setFound(page.items);
      if (page.items.length === 1) setCustomer(page.items[0].id);
    } catch (err) {
      setProblem(errorMessage(t, err));
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !template) return;
    if (!customer) return setProblem(t("office.contracts.badCustomer"));
    setBusy(true);
    setProblem(null);
    try {
      const parameters = Object.fromEntries(placeholders.map((p) => [p, (values[p] ?? "").trim()]));
      const contract = await unwrap(
        contractsApi.POST("/api/contracts/contracts", {
          params: { header: { "Idempotency-Key": key } },
          body: { template_id: template, customer_id: customer, parameters },
        }),
      );
      setKey(newIdempotencyKey());
      setValues({});
      onConcluded(contract);
    } catch (err) {
      setProblem(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  const customers = found.map((c) => ({ value: c.id, label: `${c.full_name} · ${c.email}` }));
  if (customer && !customers.some((c) => c.value === customer)) customers.push({ value: customer, label: customer });
  return (
    <form onSubmit={submit} aria-label={t("office.contracts.conclude")}>
      <Stack>
        <Title order={2} size="h4">
          {t("office.contracts.conclude")}
        </Title>
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={t("office.contracts.findCustomer")}
            value={query}
            maxLength={100}
            onChange={(e) => setQuery(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                void search();
              }
            }}
            data-testid="conclude-query"
          />
          <Button variant="light" onClick={search} leftSection={<IconSearch size={16} aria-hidden />} data-testid="conclude-search">
            {t("office.search.submit")}
          </Button>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label={t("office.contracts.pickCustomer")} data={customers} value={customer} onChange={setCustomer} data-testid="conclude-customer" />
          <Select
            label={t("office.contracts.template")}
            data={templates.map((tpl) => ({ value: tpl.id, label: tpl.name }))}
            value={template}
            onChange={setTemplate}
            required
            data-testid="conclude-template"
          />
        </SimpleGrid>
        {placeholders.length > 0 && (
          <Stack gap="xs">
            <Text fw={600}>{t("office.contracts.parameters")}</Text>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {placeholders.map((p) => (
                <TextInput key={p} label={p} data-testid="conclude-param" value={values[p] ?? ""} maxLength={500} onChange={(e) => setValues({ ...values, [p]: e.currentTarget.value })} />
              ))}
            </SimpleGrid>
          </Stack>
        )}
        {problem && (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy} disabled={!template} data-testid="conclude-submit">
            {t("office.contracts.conclude")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
