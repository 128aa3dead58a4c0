"use client";
import { useState, type ReactNode } from "react";
import { Button } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { downloadFile } from "@/lib/download";
import { errorMessage, useI18n } from "@/lib/i18n";

/** A button that downloads a document of the signed-in customer (PDF receipt, requisites). */
export function DownloadButton({ path, filename, children, testId }: { path: string; filename: string; children: ReactNode; testId?: string }) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  async function go() {
    setBusy(true);
    try {
      await downloadFile(`${path}${path.includes("?") ? "&" : "?"}lang=${locale}`, filename);
    } catch (err) {
      notifications.show({ color: "red", message: errorMessage(t, err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} loading={busy} onClick={go} data-testid={testId}>
      {children}
    </Button>
  );
}
