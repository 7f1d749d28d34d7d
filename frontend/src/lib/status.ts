import type { DatabaseHealth, Healthz } from "@/client";
import { getDatabaseHealth, getHealthz } from "@/client";
import { type Result, settle } from "@/lib/problem";

/** A page waiting on a hung API is worse than one saying it is unreachable. */
export const STATUS_TIMEOUT_MS = 5000;

export type SystemStatus = {
  api: Result<Healthz>;
  database: Result<DatabaseHealth>;
};

export async function loadSystemStatus(timeoutMs = STATUS_TIMEOUT_MS): Promise<SystemStatus> {
  const options = { cache: "no-store", signal: AbortSignal.timeout(timeoutMs) } as const;
  const [api, database] = await Promise.all([
    settle(() => getHealthz(options)),
    settle(() => getDatabaseHealth(options)),
  ]);
  return { api, database };
}

export function formatLatency(ms: number): string {
  return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
}
