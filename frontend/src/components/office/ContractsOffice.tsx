"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import Link from "next/link";
import { Alert, Anchor, Badge, Button, Code, Group, Modal, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { contractsApi, unwrap } from "@/api/client";
import type { ContractDocumentView, ContractItem, ContractTemplate } from "@/api/models";
import { ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { ConcludeContract } from "./ConcludeContract";
import { ConfirmWithReason } from "./ConfirmWithReason";
import { ContractTemplates } from "./ContractTemplates";

type Status = ContractItem["status"];
const STATUSES: Status[] = ["draft", "signed", "active", "terminated"];
const COLORS: Record<Status, string> = { draft: "gray", signed: "blue", active: "green", terminated: "red" };

function ContractRow({ c, onTerminate, onActivate, onDocument }: { c: ContractItem; onTerminate: () => void; onActivate: () => void; onDocument: () => void }) {
  const { t, locale } = useI18n();
  return (
    <Table.Tr data-testid={`contract-${c.number}`}>
      <Table.Td ff="monospace" style={{ whiteSpace: "nowrap" }}>
        {c.number}
      </Table.Td>
      <Table.Td>{c.title}</Table.Td>
      <Table.Td>
        <Anchor component={Link} href={`/office/customer/?id=${c.customer_id}`} size="sm">
          {c.customer_id.slice(0, 8)}…
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Badge color={COLORS[c.status]} variant="light" tt="none" styles={{ root: { maxWidth: "none" } }}>
          {t(`office.contracts.status.${c.status}` as MessageKey)}
        </Badge>
      </Table.Td>
      <Table.Td>{c.created_at ? new Date(c.created_at).toLocaleDateString(locale) : "—"}</Table.Td>
      <Table.Td>
        <Group gap="xs" wrap="nowrap">
          <Button size="xs" variant="default" onClick={onDocument}>
            {t("office.contracts.document")}
          </Button>
          {c.status === "signed" && (
            <Button size="xs" variant="light" color="green" onClick={onActivate}>
              {t("office.contracts.activate")}
            </Button>
          )}
          {c.status !== "terminated" && (
            <Button size="xs" variant="light" color="red" onClick={onTerminate} data-testid={`terminate-${c.number}`}>
              {t("office.contracts.terminate")}
            </Button>
          )}
        </Group>
      </Table.Td>
    </Table.Tr>
  );
}

/** `/office/contracts/`: templates and versions, contracts with filters, conclude, activate, terminate, document. */
export function ContractsOffice({ admin }: { admin: boolean }) {
  const { t } = useI18n();
  const [templates, setTemplates] = useState<ContractTemplate[] | null>(null);
  const [items, setItems] = useState<ContractItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [customer, setCustomer] = useState("");
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [terminating, setTerminating] = useState<ContractItem | null>(null);
  const [doc, setDoc] = useState<{ contract: ContractItem; document: ContractDocumentView } | null>(null);

  const load = useCallback(
    async (after?: string) => {
      setError(null);
      try {
        const query = { customer_id: customer.trim() || undefined, status: (status as Status | null) ?? undefined, cursor: after };
        const page = await unwrap(contractsApi.GET("/api/contracts/contracts", { params: { query } }));
        setItems((prev) => (after && prev ? [...prev, ...page.items] : page.items));
        setCursor(page.next_cursor);
      } catch (err) {
        setError(err);
      }
    },
    [customer, status],
  );
  useEffect(() => {
    unwrap(contractsApi.GET("/api/contracts/templates"))
      .then((list) => setTemplates(list.items))
      .catch(setError);
    void load();
    // the filters apply on "Show" only
  }, []);

  async function act(run: () => Promise<ContractItem>, text: MessageKey) {
    setNotice(null);
    try {
      const c = await run();
      setNotice(t(text, { number: c.number }));
      await load();
    } catch (err) {
      setNotice(errorMessage(t, err));
    }
  }

  async function terminate(reason: string) {
    if (!terminating) return;
    const c = await unwrap(
      contractsApi.POST("/api/contracts/contracts/{contract_id}/terminate", { params: { path: { contract_id: terminating.id } }, body: { reason } }),
    );
    setTerminating(null);
    setNotice(t("office.contracts.terminated", { number: c.number }));
    await load();
  }

  async function openDocument(c: ContractItem) {
    try {
      const document = await unwrap(contractsApi.GET("/api/contracts/contracts/{contract_id}/document", { params: { path: { contract_id: c.id } } }));
      setDoc({ contract: c, document });
    } catch (err) {
      setNotice(errorMessage(t, err));
    }
  }

  function filter(e: FormEvent) {
    e.preventDefault();
    void load();
  }

  if (error) return <ErrorState error={error} onRetry={() => load()} />;
  if (!templates || !items) return <LoadingState />;
  return (
    <Stack gap="lg">
      <Paper withBorder radius="lg" p="md">
        <Title order={2} size="h4" mb="sm">
          {t("office.contracts.templates")}
        </Title>
        <ContractTemplates templates={templates} admin={admin} />
      </Paper>
      <Paper withBorder radius="lg" p="md">
        <ConcludeContract
          templates={templates}
          onConcluded={(c) => {
            setNotice(t("office.contracts.concluded", { number: c.number }));
            void load();
          }}
        />
      </Paper>
      <Paper withBorder radius="lg" p="md">
        <Title order={2} size="h4" mb="sm">
          {t("office.contracts.list")}
        </Title>
        <form onSubmit={filter} aria-label={t("office.contracts.list")}>
          <Group align="flex-end" mb="sm">
            <TextInput label={t("office.contracts.filterCustomer")} value={customer} onChange={(e) => setCustomer(e.currentTarget.value)} maxLength={36} data-testid="contracts-customer" />
            <Select
              label={t("office.contracts.filterStatus")}
              data={[{ value: "", label: t("office.contracts.anyStatus") }, ...STATUSES.map((s) => ({ value: s, label: t(`office.contracts.status.${s}` as MessageKey) }))]}
              value={status ?? ""}
              onChange={(v) => setStatus(v || null)}
              allowDeselect={false}
            />
            <Button type="submit" variant="light" data-testid="contracts-filter">
              {t("office.contracts.apply")}
            </Button>
          </Group>
        </form>
        {notice && (
          <Alert color="blue" role="status" mb="sm" data-testid="contracts-notice">
            {notice}
          </Alert>
        )}
        {items.length === 0 ? (
          <Text>{t("office.contracts.none")}</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped data-testid="contracts-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("office.contracts.number")}</Table.Th>
                  <Table.Th>{t("office.contracts.title")}</Table.Th>
                  <Table.Th>{t("office.contracts.customer")}</Table.Th>
                  <Table.Th>{t("office.contracts.status")}</Table.Th>
                  <Table.Th>{t("office.contracts.created")}</Table.Th>
                  <Table.Th>{t("office.contracts.actions")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <ContractRow
                    key={c.id}
                    c={c}
                    onDocument={() => openDocument(c)}
                    onTerminate={() => setTerminating(c)}
                    onActivate={() =>
                      act(
                        () => unwrap(contractsApi.POST("/api/contracts/contracts/{contract_id}/activate", { params: { path: { contract_id: c.id } } })),
                        "office.contracts.activated",
                      )
                    }
                  />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {cursor && (
          <Button variant="subtle" mt="sm" onClick={() => load(cursor)}>
            {t("office.contracts.more")}
          </Button>
        )}
      </Paper>
      <ConfirmWithReason
        opened={terminating !== null}
        title={t("office.contracts.terminateTitle", { number: terminating?.number ?? "" })}
        confirmLabel={t("office.contracts.terminate")}
        color="red"
        onClose={() => setTerminating(null)}
        onConfirm={terminate}
        testId="contract-terminate"
      >
        <Text>{t("office.contracts.terminateText")}</Text>
      </ConfirmWithReason>
      <Modal opened={doc !== null} onClose={() => setDoc(null)} title={t("office.contracts.documentTitle", { number: doc?.contract.number ?? "" })} size="lg" closeButtonProps={{ "aria-label": t("common.close") }}>
        {doc && (
          <Stack data-testid="contract-document">
            <Code block style={{ whiteSpace: "pre-wrap", maxHeight: 400, overflow: "auto" }} tabIndex={0}>
              {doc.document.text}
            </Code>
            <Text size="xs" c="dimmed" style={{ wordBreak: "break-all" }}>
              {t("office.contracts.sha", { sha: doc.document.sha256 })}
            </Text>
            <Group>
              <Button component="a" href={doc.document.url} target="_blank" rel="noopener noreferrer" download>
                {t("office.contracts.download")}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
