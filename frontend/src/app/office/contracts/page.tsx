"use client";
import { Suspense } from "react";
import { PublicShell } from "@/components/PublicShell";
import { ContractsOffice } from "@/components/office/ContractsOffice";
import { OfficeGate } from "@/components/office/OfficeGate";
import { useSession } from "@/lib/session";

function Contracts() {
  const { profile } = useSession();
  return <ContractsOffice admin={profile?.roles.includes("admin") ?? false} />;
}

export default function OfficeContractsPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <Contracts />
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
