"use client";
import { useCallback, useEffect, useState, type FormEvent } from "react";
import { Alert, Badge, Button, Checkbox, Group, Select, Stack, Table, Text, TextInput } from "@mantine/core";
import { unwrap } from "@/api/client";
import { ErrorState, LoadingState } from "@/components/States";
import { useI18n } from "@/lib/i18n";
import type { MessageKey } from "@/lib/messages";
import { ActivationToggle } from "./ActivationToggle";
import { ConfirmWithReason } from "./ConfirmWithReason";
import { officeApi, type OfficeCustomer, type StaffRole } from "./api";

type Filters = { query: string; role: StaffRole | null; status: "active" | "disabled" | null };
type Pending = { kind: "roles" | "deactivate" | "reactivate"; who: OfficeCustomer };

function StaffRoles({ value, onChange }: { value: StaffRole[]; onChange: (v: StaffRole[]) => void }) {
  const { t } = useI18n();
  return (
    <Checkbox.Group label={t("office.staff.roles")} value={value} onChange={(v) => onChange(v as StaffRole[])} error={value.length === 0 ? t("office.staff.rolesNone") : undefined}>
      <Group mt={4}>
        <Checkbox value="employee" label={t("office.staff.role.employee")} data-testid="role-employee" />
        <Checkbox value="admin" label={t("office.staff.role.admin")} data-testid="role-admin" />
      </Group>
    </Checkbox.Group>
  );
}

/** Admins: staff by name, role and status; change roles, deactivate and reactivate, each with a reason. */
export function EmployeesAdmin({ refresh }: { refresh: number }) {
  const { t } = useI18n();
  const [form, setForm] = useState<Filters>({ query: "", role: null, status: null });
  const [filters, setFilters] = useState<Filters>(form);
  const [items, setItems] = useState<OfficeCustomer[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [roles, setRoles] = useState<StaffRole[]>([]);
  const [done, setDone] = useState<string | null>(null);

  const load = useCallback(async (cursor: string | null) => {
    setError(null);
    try {
      const query = { query: filters.query.trim() || undefined, role: filters.role ?? undefined, status: filters.status ?? undefined, cursor: cursor ?? undefined };
      const page = await unwrap(officeApi.GET("/api/office/employees", { params: { query } }));
      setItems((old) => (cursor && old ? [...old, ...page.items] : page.items));
      setNext(page.next_cursor);
    } catch (err) {
      setError(err);
    }
  }, [filters]);

  useEffect(() => {
    void load(null);
  }, [load, refresh]);

  function search(e: FormEvent) {
    e.preventDefault();
    setFilters({ ...form });
  }

  async function confirm(reason: string) {
    if (!pending) return;
    const path = { employee_id: pending.who.id };
    if (pending.kind === "roles") await unwrap(officeApi.POST("/api/office/employees/{employee_id}/roles", { params: { path }, body: { roles, reason } }));
    else if (pending.kind === "deactivate") await unwrap(officeApi.POST("/api/office/employees/{employee_id}/deactivate", { params: { path }, body: { reason } }));
    else await unwrap(officeApi.POST("/api/office/employees/{employee_id}/reactivate", { params: { path }, body: { reason } }));
    setDone(t("office.staff.done", { name: pending.who.full_name }));
    setPending(null);
    await load(null);
  }

  const name = pending?.who.full_name ?? "";
  const titles: Record<Pending["kind"], MessageKey> = { roles: "office.staff.rolesTitle", deactivate: "office.staff.deactivateTitle", reactivate: "office.staff.reactivateTitle" };
  const labels: Record<Pending["kind"], MessageKey> = { roles: "office.staff.saveRoles", deactivate: "office.staff.deactivate", reactivate: "office.staff.reactivate" };
  return (
    <Stack>
      <form onSubmit={search} role="search" data-testid="employee-filters">
        <Group align="flex-end" wrap="wrap">
          <TextInput label={t("office.staff.query")} description={t("office.staff.queryHint")} value={form.query} maxLength={100} onChange={(e) => setForm({ ...form, query: e.currentTarget.value })} data-testid="employee-query" />
          <Select label={t("office.staff.role")} value={form.role} placeholder={t("office.staff.any")} clearable onChange={(v) => setForm({ ...form, role: v as StaffRole | null })}
            data={[{ value: "employee", label: t("office.staff.role.employee") }, { value: "admin", label: t("office.staff.role.admin") }]} />
          <Select label={t("office.staff.status")} value={form.status} placeholder={t("office.staff.anyStatus")} clearable onChange={(v) => setForm({ ...form, status: v as Filters["status"] })}
            data={[{ value: "active", label: t("office.staff.status.active") }, { value: "disabled", label: t("office.staff.status.disabled") }]} />
          <Button type="submit">{t("office.staff.search")}</Button>
        </Group>
      </form>
      {done && <Alert color="green" role="status" data-testid="employee-done" withCloseButton onClose={() => setDone(null)} closeButtonLabel={t("common.close")}>{done}</Alert>}
      {error != null && <ErrorState error={error} />}
      {items == null && error == null && <LoadingState />}
      {items && items.length === 0 && <Alert color="gray">{t("office.staff.empty")}</Alert>}
      {items && items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" data-testid="employee-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("office.staff.name")}</Table.Th>
                <Table.Th>{t("office.staff.roles")}</Table.Th>
                <Table.Th>{t("office.staff.status")}</Table.Th>
                <Table.Th>{t("office.staff.actions")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((u) => (
                <Table.Tr key={u.id} data-testid="employee-row" data-email={u.email}>
                  <Table.Td>
                    <Text fw={600}>{u.full_name}</Text>
                    <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>{u.email}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {u.roles.map((r) => <Badge key={r} variant="light">{r === "admin" || r === "employee" ? t(`office.staff.role.${r}`) : r}</Badge>)}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={u.status === "active" ? "bank" : "gray"} data-testid="employee-status">
                      {u.status === "active" || u.status === "disabled" || u.status === "pending" ? t(`office.staff.status.${u.status}`) : u.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="light" onClick={() => { setRoles(u.roles.filter((r): r is StaffRole => r === "admin" || r === "employee")); setPending({ kind: "roles", who: u }); }} data-testid="employee-roles">
                        {t("office.staff.changeRoles")}
                      </Button>
                      <ActivationToggle
                        active={u.status !== "disabled"}
                        labels={{ deactivate: t("office.staff.deactivate"), reactivate: t("office.staff.reactivate") }}
                        onToggle={(kind) => setPending({ kind, who: u })}
                        testId={(kind) => `employee-${kind}`}
                      />
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {next && <Button variant="default" onClick={() => void load(next)}>{t("office.staff.more")}</Button>}
      <ConfirmWithReason
        opened={pending != null}
        title={pending ? t(titles[pending.kind], { name }) : ""}
        confirmLabel={pending ? t(labels[pending.kind]) : ""}
        color={pending?.kind === "deactivate" ? "red" : "bank"}
        onClose={() => setPending(null)}
        onConfirm={async (reason) => {
          if (pending?.kind === "roles" && roles.length === 0) return; // the checkboxes say why
          await confirm(reason);
        }}
        testId="employee-confirm"
      >
        {pending?.kind === "roles" && (
          <>
            <StaffRoles value={roles} onChange={setRoles} />
            <Text size="sm" c="dimmed">{t("office.staff.rolesHint")}</Text>
          </>
        )}
        {pending?.kind === "deactivate" && <Text>{t("office.staff.deactivateText")}</Text>}
        {pending?.kind === "reactivate" && <Text>{t("office.staff.reactivateText")}</Text>}
      </ConfirmWithReason>
    </Stack>
  );
}
