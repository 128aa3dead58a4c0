"use client";
import { Suspense } from "react";
import { PublicShell } from "@/components/PublicShell";
import { OfficeGate } from "@/components/office/OfficeGate";
import { SavingsRates } from "@/components/office/SavingsRates";

export default function OfficeSavingsPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <SavingsRates />
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
