"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Alert, Badge, Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { newIdempotencyKey, unwrap, utilitiesApi } from "@/api/client";
import type { NewUtilityProvider, UtilityProvider } from "@/api/models";
import { ErrorState, LoadingState } from "@/components/States";
import { errorMessage, useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { formatMoney, parseAmountInput } from "@/lib/money";
import { ActivationToggle } from "./ActivationToggle";
import { ConfirmWithReason } from "./ConfirmWithReason";

const CATEGORIES = ["electricity", "water", "heating", "gas", "internet"] as const;
type Category = (typeof CATEGORIES)[number];
type Draft = { code: string; name: string; category: Category; inn: string; label: string; pattern: string; hint: string; min: string; max: string };
const EMPTY: Draft = { code: "", name: "", category: "electricity", inn: "", label: "Лицевой счёт", pattern: "^[0-9]{10}$", hint: "", min: "1.00", max: "100000.00" };

function draftOf(p: UtilityProvider): Draft {
  return {
    code: p.code, name: p.name, category: p.category, inn: p.inn, label: p.payer_account.label, pattern: p.payer_account.pattern,
    hint: p.payer_account.hint, min: p.min_amount.amount, max: p.max_amount.amount,
  };
}

function body(d: Draft): Omit<NewUtilityProvider, "code" | "reason" | "currency"> {
  return {
    name: d.name.trim(), category: d.category, inn: d.inn.trim(),
    payer_account: { label: d.label.trim(), pattern: d.pattern, hint: d.hint.trim() },
    min_amount: parseAmountInput(d.min) ?? d.min, max_amount: parseAmountInput(d.max) ?? d.max,
  };
}

/** The fields of a provider; the code is fixed once created. */
function ProviderFields({ draft, onChange, withCode }: { draft: Draft; onChange: (d: Draft) => void; withCode: boolean }) {
  const { t } = useI18n();
  const set = (k: keyof Draft) => (e: { currentTarget: { value: string } }) => onChange({ ...draft, [k]: e.currentTarget.value });
  return (
    <SimpleGrid cols={{ base: 1, sm: 2 }}>
      {withCode && <TextInput label={t("office.providers.code")} value={draft.code} onChange={set("code")} required maxLength={40} data-testid="provider-code" />}
      <TextInput label={t("office.providers.name")} value={draft.name} onChange={set("name")} required maxLength={200} data-testid="provider-name" />
      <Select
        label={t("office.providers.category")}
        data={CATEGORIES.map((c) => ({ value: c, label: t(`zhkh.cat.${c}` as MessageKey) }))}
        value={draft.category}
        onChange={(v) => v && onChange({ ...draft, category: v as Category })}
        allowDeselect={false}
        data-testid="provider-category"
      />
      <TextInput label={t("office.providers.inn")} value={draft.inn} onChange={set("inn")} required maxLength={10} inputMode="numeric" data-testid="provider-inn" />
      <TextInput label={t("office.providers.payerLabel")} value={draft.label} onChange={set("label")} required maxLength={100} />
      <TextInput label={t("office.providers.payerPattern")} value={draft.pattern} onChange={set("pattern")} required maxLength={200} data-testid="provider-pattern" />
      <TextInput label={t("office.providers.payerHint")} value={draft.hint} onChange={set("hint")} required maxLength={200} data-testid="provider-hint" />
      <TextInput label={t("office.providers.min")} value={draft.min} onChange={set("min")} required inputMode="decimal" />
      <TextInput label={t("office.providers.max")} value={draft.max} onChange={set("max")} required inputMode="decimal" data-testid="provider-max" />
    </SimpleGrid>
  );
}

function AddProvider({ onAdded }: { onAdded: (p: UtilityProvider) => void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setProblem(null);
    try {
      const created = await unwrap(
        utilitiesApi.POST("/api/utilities/providers", { params: { header: { "Idempotency-Key": key } }, body: { ...body(draft), code: draft.code.trim(), currency: "RUB" } }),
      );
      setDraft(EMPTY);
      setKey(newIdempotencyKey());
      onAdded(created);
    } catch (err) {
      setProblem(errorMessage(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} aria-label={t("office.providers.add")}>
      <Stack>
        <Title order={2} size="h4">
          {t("office.providers.add")}
        </Title>
        <ProviderFields draft={draft} onChange={setDraft} withCode />
        {problem && (
          <Alert color="red" role="alert">
            {problem}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={busy} data-testid="provider-add">
            {t("office.providers.add")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Dialog = { kind: "edit" | "deactivate" | "reactivate"; provider: UtilityProvider } | null;

/** `/office/providers/`: every provider (inactive ones too); admins add, edit, deactivate and reactivate. */
export function ProvidersAdmin({ admin }: { admin: boolean }) {
  const { t, locale } = useI18n();
  const [items, setItems] = useState<UtilityProvider[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [edit, setEdit] = useState<Draft>(EMPTY);

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await unwrap(utilitiesApi.GET("/api/utilities/providers", { params: { query: { include_inactive: true, limit: 100 } } }));
      setItems(page.items);
    } catch (err) {
      setError(err);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function change(reason: string) {
    if (!dialog) return;
    const { kind, provider } = dialog;
    const patch = kind === "edit" ? body(edit) : { active: kind === "reactivate" };
    const saved = await unwrap(
      utilitiesApi.PATCH("/api/utilities/providers/{provider_id}", { params: { path: { provider_id: provider.id } }, body: { ...patch, reason } }),
    );
    const done = kind === "edit" ? "office.providers.saved" : kind === "deactivate" ? "office.providers.deactivated" : "office.providers.reactivated";
    setNotice(t(done, { name: saved.name }));
    setDialog(null);
    await load();
  }

  if (error) return <ErrorState error={error} onRetry={load} />;
  if (!items) return <LoadingState />;
  const name = dialog?.provider.name ?? "";
  return (
    <Stack gap="lg">
      <Paper withBorder radius="lg" p="md">
        <Title order={2} size="h4" mb="sm">
          {t("office.providers.title")}
        </Title>
        {notice && (
          <Alert color="green" role="status" mb="sm" data-testid="provider-notice">
            {notice}
          </Alert>
        )}
        {!admin && <Text c="dimmed" mb="sm">{t("office.providers.adminOnly")}</Text>}
        {items.length === 0 ? (
          <Text>{t("office.providers.none")}</Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table striped data-testid="providers-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("office.providers.name")}</Table.Th>
                  <Table.Th>{t("office.providers.category")}</Table.Th>
                  <Table.Th>{t("office.providers.inn")}</Table.Th>
                  <Table.Th>{t("office.providers.settlement")}</Table.Th>
                  <Table.Th>{t("office.providers.limits")}</Table.Th>
                  <Table.Th>{t("office.providers.state")}</Table.Th>
                  {admin && <Table.Th>{t("office.contracts.actions")}</Table.Th>}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((p) => (
                  <Table.Tr key={p.id} data-testid={`provider-${p.code}`}>
                    <Table.Td>
                      {p.name}
                      <Text size="xs" c="dimmed">
                        {p.code} · {p.payer_account.label}: {p.payer_account.pattern}
                      </Text>
                    </Table.Td>
                    <Table.Td>{t(`zhkh.cat.${p.category}` as MessageKey)}</Table.Td>
                    <Table.Td>{p.inn}</Table.Td>
                    <Table.Td ff="monospace">{p.settlement_account}</Table.Td>
                    <Table.Td>
                      {formatMoney(p.min_amount, locale)} – {formatMoney(p.max_amount, locale)}
                    </Table.Td>
                    <Table.Td>
                      <Badge color={p.active ? "green" : "gray"} variant="light" tt="none" styles={{ root: { maxWidth: "none", height: "auto" }, label: { whiteSpace: "normal" } }}>
                        {t(p.active ? "office.providers.active" : "office.providers.inactive")}
                      </Badge>
                    </Table.Td>
                    {admin && (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap">
                          <Button size="xs" variant="light" onClick={() => (setEdit(draftOf(p)), setDialog({ kind: "edit", provider: p }))}>
                            {t("office.providers.edit")}
                          </Button>
                          <ActivationToggle
                            active={p.active}
                            labels={{ deactivate: t("office.providers.deactivate"), reactivate: t("office.providers.reactivate") }}
                            onToggle={(kind) => setDialog({ kind, provider: p })}
                            testId={() => `provider-toggle-${p.code}`}
                          />
                        </Group>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Paper>
      {admin && (
        <Paper withBorder radius="lg" p="md">
          <AddProvider
            onAdded={(p) => {
              setNotice(t("office.providers.added", { name: p.name, account: p.settlement_account }));
              void load();
            }}
          />
        </Paper>
      )}
      <ConfirmWithReason
        opened={dialog !== null}
        title={t(
          dialog?.kind === "edit" ? "office.providers.editTitle" : dialog?.kind === "reactivate" ? "office.providers.reactivateTitle" : "office.providers.deactivateTitle",
          { name },
        )}
        confirmLabel={t(dialog?.kind === "edit" ? "office.providers.save" : dialog?.kind === "reactivate" ? "office.providers.reactivate" : "office.providers.deactivate")}
        color={dialog?.kind === "deactivate" ? "red" : "bank"}
        onClose={() => setDialog(null)}
        onConfirm={change}
        testId="provider-confirm"
      >
        {dialog?.kind === "edit" && <ProviderFields draft={edit} onChange={setEdit} withCode={false} />}
        {dialog?.kind === "deactivate" && <Text>{t("office.providers.deactivateText")}</Text>}
        {dialog?.kind === "reactivate" && <Text>{t("office.providers.reactivateText")}</Text>}
      </ConfirmWithReason>
    </Stack>
  );
}
