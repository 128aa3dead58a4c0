"use client";
import { useState, type FormEvent } from "react";
import { Alert, Button, Checkbox, Group, PasswordInput, Stack, TextInput } from "@mantine/core";
import { unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";
import { normalizePhone } from "@/lib/phone";
import { officeApi, type StaffRole } from "./api";

/** An admin creates an active back-office account with an initial password. */
export function CreateEmployeeForm({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [password, setPassword] = useState("");
  const [roles, setRoles] = useState<StaffRole[]>(["employee"]);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const emailOk = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
  const nameOk = name.trim().length > 0;
  const phoneOk = !phone.trim() || normalizePhone(phone) !== null;
  const passwordOk = password.length >= 10;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!emailOk || !nameOk || !phoneOk || !passwordOk || roles.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    try {
      const body = { email: email.trim(), full_name: name.trim(), phone: phone.trim() || null, password, roles };
      const profile = await unwrap(officeApi.POST("/api/office/employees", { body }));
      setCreated(profile.email);
      setEmail("");
      setName("");
      setPhone("");
      setPassword("");
      setTouched(false);
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate data-testid="create-employee-form">
      <Stack>
        <TextInput label={t("office.staff.create.email")} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={touched && !emailOk ? t("common.required") : undefined} required data-testid="employee-email" />
        <TextInput label={t("office.staff.create.name")} value={name} maxLength={200} onChange={(e) => setName(e.currentTarget.value)} error={touched && !nameOk ? t("common.required") : undefined} required data-testid="employee-name" />
        <TextInput label={t("office.staff.create.phone")} type="tel" placeholder="+7 900 123-45-67" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={touched && !phoneOk ? t("transfer.badPhone") : undefined} />
        <PasswordInput label={t("office.staff.create.password")} description={t("office.staff.create.passwordHint")} value={password} maxLength={256} onChange={(e) => setPassword(e.currentTarget.value)} error={touched && !passwordOk ? t("office.staff.create.passwordHint") : undefined} required autoComplete="new-password" data-testid="employee-password" />
        <Checkbox.Group label={t("office.staff.create.roles")} value={roles} onChange={(v) => setRoles(v as StaffRole[])} error={touched && roles.length === 0 ? t("office.staff.rolesNone") : undefined}>
          <Group mt={4}>
            <Checkbox value="employee" label={t("office.staff.role.employee")} />
            <Checkbox value="admin" label={t("office.staff.role.admin")} />
          </Group>
        </Checkbox.Group>
        {error != null && (
          <Alert color="red" role="alert">
            {errorMessage(t, error)}
          </Alert>
        )}
        {created && (
          <Alert color="green" role="status" data-testid="employee-created">
            {t("office.staff.create.done", { email: created })}
          </Alert>
        )}
        <Button type="submit" loading={busy} data-testid="employee-create-submit">
          {t("office.staff.create.submit")}
        </Button>
      </Stack>
    </form>
  );
}
