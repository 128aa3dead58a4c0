"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Alert, Badge, Button, Code, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconDownload } from "@tabler/icons-react";
import { unwrap } from "@/api/client";
import { ErrorState, LoadingState } from "@/components/States";
import { downloadFile } from "@/lib/download";
import { errorMessage, useI18n } from "@/lib/i18n";
import { officeApi, type OfficeAuditEntry } from "./api";

type Filters = { actor_id: string; target_id: string; action: string; date_from: string; date_to: string };
const EMPTY: Filters = { actor_id: "", target_id: "", action: "", date_from: "", date_to: "" };
const OUTCOME_COLOR: Record<OfficeAuditEntry["outcome"], string> = { succeeded: "bank", refused: "orange", failed: "red", pending: "gray" };

function asQuery(f: Filters): Record<string, string> {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v));
}

/** Admins: the back-office audit log, newest first, filtered by employee, target, action and period; the same
 * filters as a CSV file. */
export function AuditLogViewer() {
  const { t, locale } = useI18n();
  const [form, setForm] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [items, setItems] = useState<OfficeAuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [csvError, setCsvError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);

  const load = useCallback(async (cursor: string | null) => {
    setError(null);
    try {
      const query = { ...asQuery(filters), cursor: cursor ?? undefined };
      const page = await unwrap(officeApi.GET("/api/office/audit", { params: { query } }));
      setItems((old) => (cursor && old ? [...old, ...page.items] : page.items));
      setNext(page.next_cursor);
    } catch (err) {
      setItems(null);
      setError(err);
    }
  }, [filters]);

  useEffect(() => {
    void load(null);
  }, [load]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters({ ...form });
  }

  async function csv() {
    setDownloading(true);
    setCsvError(null);
    try {
      await downloadFile(`/api/office/audit/export?${new URLSearchParams(asQuery(filters))}`, "office-audit.csv");
    } catch (err) {
      setCsvError(errorMessage(t, err));
    } finally {
      setDownloading(false);
    }
  }

  const field = (name: keyof Filters) => ({ value: form[name], onChange: (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [name]: e.currentTarget.value }) });
  return (
    <Stack>
      <form onSubmit={apply} data-testid="audit-filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput label={t("office.audit.actor")} maxLength={100} {...field("actor_id")} data-testid="audit-actor" />
          <TextInput label={t("office.audit.target")} maxLength={100} {...field("target_id")} data-testid="audit-target" />
          <TextInput label={t("office.audit.action")} description={t("office.audit.actionHint")} maxLength={60} {...field("action")} data-testid="audit-action" />
          <TextInput type="date" label={t("office.audit.from")} {...field("date_from")} data-testid="audit-from" />
          <TextInput type="date" label={t("office.audit.to")} {...field("date_to")} data-testid="audit-to" />
          <Button type="submit" data-testid="audit-apply">{t("office.audit.apply")}</Button>
          <Button variant="default" onClick={() => { setForm(EMPTY); setFilters(EMPTY); }}>{t("office.audit.reset")}</Button>
          <Button variant="light" leftSection={<IconDownload size={16} aria-hidden />} onClick={csv} loading={downloading} data-testid="audit-csv">
            {t("office.audit.csv")}
          </Button>
        </Group>
      </form>
      {csvError && <Alert color="red" role="alert">{csvError}</Alert>}
      {error != null && <ErrorState error={error} />}
      {items == null && error == null && <LoadingState />}
      {items && items.length === 0 && <Alert color="gray">{t("office.audit.empty")}</Alert>}
      {items && items.length > 0 && (
        <Table.ScrollContainer minWidth={800}>
          <Table verticalSpacing="xs" data-testid="audit-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("office.audit.when")}</Table.Th>
                <Table.Th>{t("office.audit.who")}</Table.Th>
                <Table.Th>{t("office.audit.what")}</Table.Th>
                <Table.Th>{t("office.audit.whom")}</Table.Th>
                <Table.Th>{t("office.audit.outcome")}</Table.Th>
                <Table.Th>{t("office.audit.details")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e) => (
                <Table.Tr key={e.id} data-testid="audit-row" data-action={e.action}>
                  <Table.Td><Text size="sm">{new Date(e.occurred_at).toLocaleString(locale === "en" ? "en-GB" : "ru-RU")}</Text></Table.Td>
                  <Table.Td><Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>{e.actor_id}</Text><Text size="xs" c="dimmed">{e.actor_roles.join(", ")}</Text></Table.Td>
                  <Table.Td><Code>{e.action}</Code></Table.Td>
                  <Table.Td><Text size="xs" c="dimmed">{e.target_type}</Text><Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>{e.target_id ?? "—"}</Text></Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Badge variant="light" color={OUTCOME_COLOR[e.outcome]} style={{ overflow: "visible" }}>{t(`office.audit.outcome.${e.outcome}`)}</Badge>
                    {e.code && <Text size="xs" c="dimmed">{e.code}</Text>}
                  </Table.Td>
                  <Table.Td><Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>{Object.keys(e.details).length ? JSON.stringify(e.details) : "—"}</Text></Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {next && <Button variant="default" onClick={() => void load(next)}>{t("office.audit.more")}</Button>}
    </Stack>
  );
}
