// RFC 9457 problem details as the services send them (the generated `Problem` schema), with their stable
// `code`. Partial: an answer that is not a problem (a proxy's HTML, a network failure) has only a status.
import type { ledger } from "./generated";

export type FieldError = ledger.components["schemas"]["FieldProblem"];
export type Problem = Partial<ledger.components["schemas"]["Problem"]> & {
  status: number;
  /** Seconds from the answer's Retry-After header (429, 503), read by the client. */
  retry_after?: number;
};

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${problem.status}`);
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
  /** The route itself does not exist yet (a generic 404/405), as opposed to e.g. `account_not_found`. */
  get endpointMissing(): boolean {
    return isEndpointMissing(this.problem);
  }
}

export function isEndpointMissing(p: Problem): boolean {
  return (p.status === 404 && (p.code === undefined || p.code === "not_found")) || p.status === 405;
}

export function toProblem(status: number, body: unknown, retryAfter?: string | null): Problem {
  const seconds = Number(retryAfter);
  const retry = Number.isFinite(seconds) && seconds > 0 ? { retry_after: Math.ceil(seconds) } : {};
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (typeof b.code === "string" || typeof b.title === "string") {
      return { ...(b as Partial<Problem>), status: typeof b.status === "number" ? b.status : status, ...retry } as Problem;
    }
    if (typeof b.message === "string") return { status, title: b.message, ...retry };
  }
  return { status, title: `HTTP ${status}`, ...retry };
}
