import { authFetch } from "@/api/client";
import { ApiError, toProblem } from "@/api/problem";

/** Fetch a document the signed-in customer may read (a PDF receipt, requisites) and let the browser save it. */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const response = await authFetch(new Request(new URL(path, window.location.origin)));
  if (!response.ok) throw new ApiError(toProblem(response.status, await response.json().catch(() => null)));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
