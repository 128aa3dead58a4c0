"use client";
import { Suspense } from "react";
import { PublicShell } from "@/components/PublicShell";
import { ApprovalsQueue } from "@/components/office/ApprovalsQueue";
import { OfficeGate } from "@/components/office/OfficeGate";

export default function OfficeApprovalsPage() {
  return (
    <PublicShell>
      <Suspense>
        <OfficeGate>
          <ApprovalsQueue />
        </OfficeGate>
      </Suspense>
    </PublicShell>
  );
}
