"use client";
import { Suspense } from "react";
import { useSearchParams } from "next/navigation";
import { Alert } from "@mantine/core";
import { PublicShell } from "@/components/PublicShell";
import { CustomerCardView } from "@/components/office/CustomerCardView";
import { OfficeGate } from "@/components/office/OfficeGate";
import { useI18n } from "@/lib/i18n";

function Customer() {
  const { t } = useI18n();
  const id = useSearchParams().get("id");
  if (!id) return <Alert color="yellow">{t("office.customer.missing")}</Alert>;
  return <CustomerCardView id={id} />;
}

export default function OfficeCustomerPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <Customer />
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
