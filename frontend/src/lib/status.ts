import type { DatabaseHealth, ErrorResponse, Healthz } from "@/client";
import { getDatabaseHealth, getHealthz } from "@/client";

/** A page waiting on a hung API is worse than one saying it is unreachable. */
export const STATUS_TIMEOUT_MS = 5000;

export type Problem = Pick<ErrorResponse, "error" | "code">;

export type Check<T> = { ok: true; data: T } | { ok: false; problem: Problem };

export type SystemStatus = {
  api: Check<Healthz>;
  database: Check<DatabaseHealth>;
};

function isErrorEnvelope(value: unknown): value is ErrorResponse {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const { error, code } = value as Record<string, unknown>;
  return typeof error === "string" && typeof code === "string";
}

/**
 * Anything between the page and the API (a proxy, a crashed worker) may answer
 * without the envelope, so the HTTP status stands in for the missing code.
 */
export function describeFailure(error: unknown, response?: Response): Problem {
  if (isErrorEnvelope(error)) {
    return { error: error.error, code: error.code };
  }
  if (response) {
    return {
      error: `The API answered ${response.status} ${response.statusText}`.trim(),
      code: `HTTP_${response.status}`,
    };
  }
  return { error: "The API could not be reached", code: "UNREACHABLE" };
}

type SdkResult<T> = { data?: T; error?: unknown; response?: Response };

async function check<T>(call: () => Promise<SdkResult<T>>): Promise<Check<T>> {
  try {
    const { data, error, response } = await call();
    if (data !== undefined && error === undefined) {
      return { ok: true, data };
    }
    return { ok: false, problem: describeFailure(error, response) };
  } catch {
    // The client throws only when no HTTP answer came back at all.
    return { ok: false, problem: describeFailure(undefined) };
  }
}

export async function loadSystemStatus(timeoutMs = STATUS_TIMEOUT_MS): Promise<SystemStatus> {
  const options = { cache: "no-store", signal: AbortSignal.timeout(timeoutMs) } as const;
  const [api, database] = await Promise.all([
    check(() => getHealthz(options)),
    check(() => getDatabaseHealth(options)),
  ]);
  return { api, database };
}

export function formatLatency(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
