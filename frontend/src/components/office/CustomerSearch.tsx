"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";
import { unwrap } from "@/api/client";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import { officeApi, type OfficeCustomer } from "./api";

export function CustomerSearch() {
  const { t } = useI18n();
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<OfficeCustomer[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function search(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const page = await unwrap(officeApi.GET("/api/office/customers", { params: { query: { query: query.trim() || undefined } } }));
      setResults(page.items);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack>
      <form onSubmit={search} role="search">
        <Group align="flex-end" wrap="nowrap">
          <TextInput
            style={{ flex: 1 }}
            label={t("office.search.label")}
            placeholder={t("office.search.placeholder")}
            description={t("office.search.hint")}
            value={query}
            maxLength={100}
            onChange={(e) => setQuery(e.currentTarget.value)}
            data-testid="customer-query"
          />
          <Button type="submit" loading={busy} leftSection={<IconSearch size={16} aria-hidden />}>
            {t("office.search.submit")}
          </Button>
        </Group>
      </form>
      {error != null && <ErrorState error={error} />}
      {busy && !results && <LoadingState />}
      {results && results.length === 0 && <Alert color="gray">{t("office.search.empty")}</Alert>}
      {results && results.length > 0 && (
        <Stack gap="xs" data-testid="customer-results">
          {results.map((c) => (
            <Card key={c.id} withBorder radius="md" padding="sm" component={Link} href={`/office/customer/?id=${c.id}`} data-testid="customer-result">
              <Group justify="space-between" wrap="wrap" gap="xs">
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text fw={600}>{c.full_name}</Text>
                  <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                    {c.email}
                    {c.phone ? ` · ${c.phone}` : ""}
                  </Text>
                </Stack>
                <Badge variant="light" color={c.status === "active" ? "bank" : "gray"}>
                  {c.status}
                </Badge>
              </Group>
            </Card>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
