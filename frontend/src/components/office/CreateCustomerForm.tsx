"use client";
import { useState, type FormEvent } from "react";
import Link from "next/link";
import { Alert, Anchor, Button, Stack, TextInput } from "@mantine/core";
import { unwrap } from "@/api/client";
import { errorMessage, useI18n } from "@/lib/i18n";
import { officeApi, type OfficeCustomer } from "./api";
import { normalizePhone } from "@/lib/phone";


export function CreateCustomerForm() {
  const { t } = useI18n();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [phone, setPhone] = useState("");
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<OfficeCustomer | null>(null);
  const emailOk = /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim());
  const nameOk = name.trim().length > 0;
  const phoneOk = !phone.trim() || normalizePhone(phone) !== null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!emailOk || !nameOk || !phoneOk || busy) return;
    setBusy(true);
    setError(null);
    try {
      const profile = await unwrap(
        officeApi.POST("/api/office/customers", { body: { email: email.trim(), full_name: name.trim(), phone: phone.trim() || null } }),
      );
      setCreated(profile);
      setEmail("");
      setName("");
      setPhone("");
      setTouched(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate data-testid="create-customer-form">
      <Stack>
        <TextInput label={t("office.create.email")} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={touched && !emailOk ? t("common.required") : undefined} required />
        <TextInput label={t("office.create.name")} value={name} maxLength={200} onChange={(e) => setName(e.currentTarget.value)} error={touched && !nameOk ? t("common.required") : undefined} required />
        <TextInput label={t("office.create.phone")} type="tel" placeholder="+7 900 123-45-67" value={phone} onChange={(e) => setPhone(e.currentTarget.value)} error={touched && !phoneOk ? t("transfer.badPhone") : undefined} />
        {error != null && (
          <Alert color="red" role="alert">
            {errorMessage(t, error)}
          </Alert>
        )}
        {created && (
          <Alert color="green" role="status" data-testid="customer-created">
            {t("office.create.done")}{" "}
            <Anchor component={Link} href={`/office/customer/?id=${created.id}`}>
              {t("office.create.openCard")}
            </Anchor>
          </Alert>
        )}
        <Button type="submit" loading={busy}>
          {t("office.create.submit")}
        </Button>
      </Stack>
    </form>
  );
}
