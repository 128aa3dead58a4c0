"use client";
import { Suspense } from "react";
import { PublicShell } from "@/components/PublicShell";
import { OfficeGate } from "@/components/office/OfficeGate";
import { ProvidersAdmin } from "@/components/office/ProvidersAdmin";
import { useSession } from "@/lib/session";

function Providers() {
  const { profile } = useSession();
  return <ProvidersAdmin admin={profile?.roles.includes("admin") ?? false} />;
}

export default function OfficeProvidersPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <Providers />
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
