// The rules of a money-moving form, kept out of React so they are unit-tested:
// one Idempotency-Key per attempt; an attempt whose outcome is unknown is retried with the SAME key;
// a new key only after a definitive answer (success, or a refusal such as insufficient funds).
import { ApiError } from "@/api/problem";

export type AttemptOutcome = "success" | "refused" | "unknown";

export function outcomeOf(error: unknown): AttemptOutcome {
  if (!(error instanceof ApiError)) return "unknown";
  const s = error.status;
  if (s === 0 || s >= 500 || s === 409 || s === 429 || s === 401 || error.endpointMissing) return "unknown";
  return "refused";
}

/** Whether the next submit must use a fresh key. */
export function needsFreshKey(outcome: AttemptOutcome | null): boolean {
  return outcome === "success" || outcome === "refused";
}
