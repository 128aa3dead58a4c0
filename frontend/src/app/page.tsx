"use client";
import { useEffect } from "react";
import { useRouter } from "next/navigation";
import { LoadingState } from "@/components/States";

export default function Root() {
  const router = useRouter();
  useEffect(() => router.replace("/banking-service/"), [router]);
  return <LoadingState />;
}
