"use client";
import { useState } from "react";
import { Anchor, Badge, Button, Code, Group, Modal, Paper, ScrollArea, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { contractsApi, unwrap } from "@/api/client";
import type { contracts } from "@/api/generated";
import { EmptyNote } from "@/components/EmptyNote";
import { ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { useAsync } from "@/lib/useAsync";

// The contracts service declares no response models yet (issue 14 item 1 adds them); these are the fields of
// its contract view and document answer (functions/contracts/contracts_service/service.py).
type Contract = contracts.components["schemas"]["Contract"];
type ContractDocument = contracts.components["schemas"]["ContractDocument"];

const STATUS_COLOR: Record<string, string> = { draft: "orange", signed: "blue", active: "green", terminated: "gray" };

function ContractCard({ contract, onChanged }: { contract: Contract; onChanged: (c: Contract) => void }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [signing, setSigning] = useState(false);
  const doc = useAsync(
    async () => (open ? ((await unwrap(contractsApi.GET("/api/contracts/contracts/{contract_id}/document", { params: { path: { contract_id: contract.id } } }))) as unknown as ContractDocument) : undefined),
    [open, contract.id],
  );
  const dateFmt = new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ru-RU", { dateStyle: "long" });
  const statusKey = `contracts.status.${contract.status}` as MessageKey;

  async function sign() {
    setSigning(true);
    try {
      const signed = (await unwrap(contractsApi.POST("/api/contracts/contracts/{contract_id}/sign", { params: { path: { contract_id: contract.id } } }))) as unknown as Contract;
      onChanged(signed);
      notifications.show({ color: "green", message: t("contracts.signedOk") });
      setConfirming(false);
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(t, err) });
    } finally {
      setSigning(false);
    }
  }

  return (
    <Paper component="li" withBorder radius="md" p="md" data-testid="contract">
      <Stack gap="xs">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Text fw={600}>{contract.title}</Text>
            <Text size="sm" c="dimmed">
              {t("contracts.number", { number: contract.number })} · {contract.created_at ? `${t("contracts.created")} ${dateFmt.format(new Date(contract.created_at))}` : ""}
              {contract.signed_at ? ` · ${t("contracts.signed")} ${dateFmt.format(new Date(contract.signed_at))}` : ""}
            </Text>
          </Stack>
          <Badge color={STATUS_COLOR[contract.status] ?? "gray"} variant="light" data-testid="contract-status">
            {t(statusKey) === statusKey ? contract.status : t(statusKey)}
          </Badge>
        </Group>
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? t("contracts.close") : t("contracts.open")}
          </Button>
          {contract.status === "draft" && (
            <Button size="xs" onClick={() => setConfirming(true)} data-testid="contract-sign">
              {t("contracts.sign")}
            </Button>
          )}
        </Group>
        {open && (doc.error != null ? <ErrorState error={doc.error} onRetry={doc.reload} /> : !doc.data ? <LoadingState /> : (
          <Stack gap="xs">
            <ScrollArea.Autosize mah={360} type="auto" tabIndex={0} aria-label={contract.title}>
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }} data-testid="contract-text">
                {doc.data.text}
              </Text>
            </ScrollArea.Autosize>
            <Group gap="xs">
              <Anchor href={doc.data.url} download={`contract-${contract.number}.txt`} size="sm" data-testid="contract-download">
                <Group gap={4}>
                  <IconDownload size={16} aria-hidden />
                  {t("contracts.download")}
                </Group>
              </Anchor>
              <Text size="xs" c="dimmed">
                {t("contracts.checksum")}: <Code>{doc.data.sha256.slice(0, 16)}…</Code>
              </Text>
            </Group>
          </Stack>
        ))}
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t("contracts.sign")} centered closeButtonProps={{ "aria-label": t("common.close") }}>
        <Stack>
          <Text size="sm">{t("contracts.signConfirm", { number: contract.number })}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t("common.cancel")}
            </Button>
            <Button onClick={sign} loading={signing} data-testid="contract-sign-confirm">
              {t("contracts.sign")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}

export default function ContractsPage() {
  const { t } = useI18n();
  const list = useAsync(async () => ((await unwrap(contractsApi.GET("/api/contracts/contracts/my", { params: { query: { limit: 100 } } }))) as unknown as { items: Contract[] }).items, []);
  const [changed, setChanged] = useState<Record<string, Contract>>({});
  return (
    <Stack gap="lg">
      <Title order={1} size="h2">
        {t("contracts.title")}
      </Title>
      {list.error != null ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <LoadingState />
      ) : list.data.length === 0 ? (
        <EmptyNote text={t("contracts.empty")} />
      ) : (
        <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }}>
          {list.data.map((c) => (
            <ContractCard key={c.id} contract={changed[c.id] ?? c} onChanged={(n) => setChanged((prev) => ({ ...prev, [n.id]: n }))} />
          ))}
        </Stack>
      )}
    </Stack>
  );
}
