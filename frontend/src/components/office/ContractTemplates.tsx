"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Accordion, Alert, Badge, Button, Code, Group, Stack, Text, TextInput, Textarea, Title } from "@mantine/core";
import { contractsApi, unwrap } from "@/api/client";
import type { ContractTemplate, ContractTemplateDetail } from "@/api/models";
import { ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Admin only: a new immutable version of the template, in effect from the given day. */
function PublishVersion({ template, onPublished }: { template: ContractTemplateDetail; onPublished: () => void }) {
  const { t } = useI18n();
  const latest = template.versions[0];
  const [title, setTitle] = useState(latest?.title ?? "");
  const [text, setText] = useState(latest?.body ?? "");
  const [from, setFrom] = useState(today);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function publish(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    setDone(null);
    try {
      const version = await unwrap(
        contractsApi.POST("/api/contracts/templates/{template_id}/versions", {
          params: { path: { template_id: template.id } },
          body: { title: title.trim(), body: text, effective_from: from },
        }),
      );
      setDone(t("office.contracts.published", { version: version.version }));
      onPublished();
    } catch (err) {
      setProblem(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={publish} aria-label={t("office.contracts.publish")}>
      <Stack gap="xs">
        <Title order={4} size="h6">
          {t("office.contracts.publish")}
        </Title>
        <TextInput label={t("office.contracts.publishTitle")} value={title} onChange={(e) => setTitle(e.currentTarget.value)} required maxLength={300} />
        <Textarea label={t("office.contracts.publishBody")} value={text} onChange={(e) => setText(e.currentTarget.value)} required autosize minRows={4} maxRows={12} />
        <TextInput type="date" label={t("office.contracts.effectiveFrom")} value={from} onChange={(e) => setFrom(e.currentTarget.value)} required />
        {problem && (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        )}
        {done && (
          <Alert color="green" role="status">
            {done}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy} variant="light">
            {t("office.contracts.publish")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function TemplateVersions({ id, admin }: { id: string; admin: boolean }) {
  const { t } = useI18n();
  const [detail, setDetail] = useState<ContractTemplateDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      setDetail(await unwrap(contractsApi.GET("/api/contracts/templates/{template_id}", { params: { path: { template_id: id } } })));
    } catch (err) {
      setError(err);
    }
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (error) return <ErrorState error={error} onRetry={load} />;
  if (!detail) return <LoadingState />;
  return (
    <Stack>
      <Text fw={600}>{t("office.contracts.versions")}</Text>
      {detail.versions.map((v) => (
        <Stack key={v.version} gap={4}>
          <Text size="sm">
            {t("office.contracts.version", { version: v.version, date: v.effective_from })} — {v.title}
          </Text>
          <Code block style={{ whiteSpace: "pre-wrap", maxHeight: 240, overflow: "auto" }} tabIndex={0}>
            {v.body}
          </Code>
        </Stack>
      ))}
      {admin && <PublishVersion template={detail} onPublished={load} />}
    </Stack>
  );
}

/** The templates with their versions (text, effective date); admins publish a new version. */
export function ContractTemplates({ templates, admin }: { templates: ContractTemplate[]; admin: boolean }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<string | null>(null);
  if (templates.length === 0) return <Text>{t("office.contracts.noTemplates")}</Text>;
  return (
    <Accordion value={open} onChange={setOpen} variant="separated" data-testid="contract-templates">
      {templates.map((tpl) => (
        <Accordion.Item key={tpl.id} value={tpl.id}>
          <Accordion.Control>
            <Group gap="xs">
              <Text>{tpl.name}</Text>
              <Text size="xs" c="dimmed">
                {tpl.code} · v{tpl.latest_version ?? "—"}
              </Text>
              {tpl.self_service && (
                <Badge size="xs" variant="light">
                  {t("office.contracts.selfService")}
                </Badge>
              )}
            </Group>
          </Accordion.Control>
          <Accordion.Panel>{open === tpl.id && <TemplateVersions id={tpl.id} admin={admin} />}</Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}
