"use client";
import { useState, type FormEvent } from "react";
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { customerApi, unwrap } from "@/api/client";
import { ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";
import { useAsync } from "@/lib/useAsync";
import { DownloadButton } from "./DownloadButton";

// The customer's own calendar day (not UTC's: in Moscow the 1st begins on the 30th in UTC).
const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function Requisites({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const details = useAsync(() => unwrap(customerApi.GET("/api/customer/accounts/{account_id}/requisites", { params: { path: { account_id: accountId } } })), [accountId]);
  if (details.error) return <ErrorState error={details.error} onRetry={details.reload} />;
  if (!details.data) return <LoadingState />;
  const d = details.data;
  const rows: [string, string][] = [
    [t("req.holder"), d.holder],
    [t("req.account"), d.account_number],
    [t("req.bank"), d.bank_name],
    [t("req.bic"), d.bic],
    [t("req.corr"), d.correspondent_account],
    [t("req.inn"), d.inn],
    [t("req.kpp"), d.kpp],
  ];
  return (
    <Stack gap="xs" data-testid="requisites">
      <Table variant="vertical" layout="fixed">
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w="40%" fw={400} c="gray.8">
                {label}
              </Table.Th>
              <Table.Td className="tabular" style={{ overflowWrap: "anywhere" }}>
                {value}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Group>
        <DownloadButton path={`/api/customer/accounts/${accountId}/requisites.pdf`} filename={`requisites-${d.account_number}.pdf`} testId="requisites-pdf">
          {t("req.pdf")}
        </DownloadButton>
      </Group>
    </Stack>
  );
}

function Statement({ accountId }: { accountId: string }) {
  const { t, locale } = useI18n();
  const today = new Date();
  const [from, setFrom] = useState(day(new Date(today.getFullYear(), today.getMonth(), 1)));
  const [to, setTo] = useState(day(today));
  const [format, setFormat] = useState<"pdf" | "csv">("pdf");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<{ url: string; filename: string; operations: number } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setLink(null);
    try {
      setLink(await unwrap(customerApi.POST("/api/customer/statements", { body: { account_id: accountId, from, to, format, lang: locale } })));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} data-testid="statement-form">
      <Stack gap="sm">
        <SimpleGrid cols={{ base: 1, xs: 2 }}>
          <TextInput type="date" label={t("st.from")} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required data-testid="statement-from" />
          <TextInput type="date" label={t("st.to")} value={to} onChange={(e) => setTo(e.currentTarget.value)} required data-testid="statement-to" />
        </SimpleGrid>
        <SegmentedControl value={format} onChange={(v) => setFormat(v as "pdf" | "csv")} data={[{ value: "pdf", label: "PDF" }, { value: "csv", label: "CSV" }]} aria-label={t("st.format")} />
        {error != null && (
          <Alert color="red" role="alert">
            {errorMessage(t, error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy} data-testid="statement-make">
            {t("st.make")}
          </Button>
          {link && (
            <Anchor href={link.url} download={link.filename} data-testid="statement-link">
              {t("st.download", { name: link.filename, n: link.operations })}
            </Anchor>
          )}
        </Group>
        {link && (
          <Text size="xs" c="gray.7">
            {t("st.expires")}
          </Text>
        )}
      </Stack>
    </form>
  );
}

/** An account's requisites (for an incoming transfer from another bank) and its statement for any period. */
export function AccountDocuments({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }}>
      <Paper withBorder radius="lg" p="lg" component="section">
        <Title order={2} size="h4" mb="sm">
          {t("req.title")}
        </Title>
        <Requisites accountId={accountId} />
      </Paper>
      <Paper withBorder radius="lg" p="lg" component="section">
        <Title order={2} size="h4" mb="sm">
          {t("st.title")}
        </Title>
        <Statement accountId={accountId} />
      </Paper>
    </SimpleGrid>
  );
}
