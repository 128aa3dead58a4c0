"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { Alert, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from "@mantine/core";
import { accountsApi, unwrap } from "@/api/client";
import type { accounts } from "@/api/generated";
import { MoneyText } from "@/components/MoneyText";
import { EmptyState, ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";
import { parseAmountInput } from "@/lib/money";
import { prefillFromTemplate, repeatHref } from "@/lib/repeat";
import { useAsync } from "@/lib/useAsync";

type Template = accounts.components["schemas"]["TemplateOut"];
type Kind = "transfer" | "p2p_phone";

async function listTemplates(): Promise<Template[]> {
  return (await unwrap(accountsApi.GET("/api/accounts/templates"))).items;
}

export default function Templates() {
  const { t } = useI18n();
  const templates = useAsync(listTemplates, []);
  const [kind, setKind] = useState<Kind>("transfer");
  const [name, setName] = useState("");
  const [recipient, setRecipient] = useState("");
  const [amount, setAmount] = useState("");
  const [renaming, setRenaming] = useState<string | null>(null);
  const [newName, setNewName] = useState("");
  const [error, setError] = useState<unknown>(null);

  const parsed = amount ? parseAmountInput(amount, 2) : null;
  const recipientOk = kind === "transfer" ? /^\d{20}$/.test(recipient.replace(/\s/g, "")) : /^\+?[0-9][0-9 ()-]{5,18}[0-9]$/.test(recipient.trim());
  const valid = name.trim() !== "" && recipientOk && (!amount || !!parsed);

  async function run(action: () => Promise<unknown>) {
    setError(null);
    try {
      await action();
      templates.reload();
    } catch (err) {
      setError(err);
    }
  }

  function save(e: FormEvent) {
    e.preventDefault();
    if (!valid) return;
    void run(async () => {
      await unwrap(
        accountsApi.POST("/api/accounts/templates", {
          body: {
            name: name.trim(),
            kind,
            ...(kind === "transfer" ? { to_account_number: recipient.replace(/\s/g, "") } : { to_phone: recipient.trim() }),
            amount: parsed,
            currency: "RUB",
            description: "",
          },
        }),
      );
      setName("");
      setRecipient("");
      setAmount("");
    });
  }

  function rename(id: string) {
    void run(async () => {
      await unwrap(accountsApi.PATCH("/api/accounts/templates/{template_id}", { params: { path: { template_id: id } }, body: { name: newName.trim() } }));
      setRenaming(null);
    });
  }

  function remove(id: string) {
    void run(() => unwrap(accountsApi.DELETE("/api/accounts/templates/{template_id}", { params: { path: { template_id: id } } })));
  }

  if (templates.error) return <ErrorState error={templates.error} onRetry={templates.reload} />;
  if (!templates.data) return <LoadingState />;

  return (
    <Stack gap="lg" maw={640}>
      <Title order={1} size="h2">
        {t("templates.title")}
      </Title>
      <Text c="dimmed">{t("templates.lead")}</Text>
      {error != null && (
        <Alert color="red" role="alert">
          {errorMessage(t, error)}
        </Alert>
      )}
      <Stack gap="sm" data-testid="templates-list">
        {templates.data.length === 0 && <EmptyState text={t("templates.empty")} hint={t("states.next.templates")} />}
        {templates.data.map((template) => (
          <Paper key={template.id} withBorder radius="md" p="md" data-testid="template-item">
            {renaming === template.id ? (
              <Group align="flex-end">
                <TextInput label={t("templates.newName")} value={newName} onChange={(e) => setNewName(e.currentTarget.value)} maxLength={100} />
                <Button onClick={() => rename(template.id)} disabled={newName.trim() === ""}>
                  {t("templates.rename")}
                </Button>
              </Group>
            ) : (
              <Group justify="space-between">
                <Stack gap={2}>
                  <Text fw={600}>{template.name}</Text>
                  <Text size="sm" c="dimmed">
                    {template.to_account_number ?? template.to_phone ?? template.payer_account}
                  </Text>
                  {template.amount && <MoneyText money={template.amount} />}
                </Stack>
                <Group gap="xs">
                  {template.kind !== "utility" && (
                    <Button component={Link} href={repeatHref(prefillFromTemplate(template))} size="xs">
                      {t("templates.pay")}
                    </Button>
                  )}
                  <Button
                    variant="default"
                    size="xs"
                    onClick={() => {
                      setRenaming(template.id);
                      setNewName(template.name);
                    }}
                  >
                    {t("templates.rename")}
                  </Button>
                  <Button variant="subtle" color="red" size="xs" onClick={() => remove(template.id)}>
                    {t("templates.delete")}
                  </Button>
                </Group>
              </Group>
            )}
          </Paper>
        ))}
      </Stack>
      <Paper withBorder radius="lg" p="lg">
        <form onSubmit={save} noValidate data-testid="template-form">
          <Stack>
            <Title order={2} size="h4">
              {t("templates.new")}
            </Title>
            <SegmentedControl
              value={kind}
              onChange={(v) => setKind(v === "p2p_phone" ? "p2p_phone" : "transfer")}
              data={[
                { value: "transfer", label: t("templates.kind.transfer") },
                { value: "p2p_phone", label: t("templates.kind.p2p_phone") },
              ]}
            />
            <TextInput label={t("autopay.name")} value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={100} required />
            <TextInput
              label={kind === "transfer" ? t("autopay.to") : t("templates.phone")}
              value={recipient}
              onChange={(e) => setRecipient(e.currentTarget.value)}
              required
            />
            <TextInput label={t("autopay.amount")} value={amount} onChange={(e) => setAmount(e.currentTarget.value)} inputMode="decimal" />
            <Button type="submit" disabled={!valid}>
              {t("templates.save")}
            </Button>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
