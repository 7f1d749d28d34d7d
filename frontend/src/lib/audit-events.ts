import { type AuditChange, streamAuditEvents } from "@/client";

/** How long to wait before opening the stream again once the server ended it. */
export const RECONNECT_MS = 2000;

export type ChangeKind = "audit" | "deleted";

type Follow = {
  team: string;
  /** Resume after this event id: changes since then are replayed first. */
  since?: string;
  signal: AbortSignal;
  onChange: (change: AuditChange, kind: ChangeKind) => void;
  pause?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
};

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** An event id for a time: the API's ids are microseconds since 1970. */
export function eventIdAt(iso: string): string {
  return String(Date.parse(iso) * 1000);
}

/**
 * The team's audit changes until `signal` aborts. The generated client reconnects
 * a failed stream with Last-Event-ID; a stream the server ends (it restarts, or the
 * client fell behind) is opened again here, from the last event seen, so nothing
 * in between is missed.
 */
export async function followAuditChanges({
  team,
  since,
  signal,
  onChange,
  pause = wait,
  fetch,
}: Follow): Promise<void> {
  let cursor = since;
  while (!signal.aborted) {
    const { stream } = await streamAuditEvents({
      path: { team },
      query: cursor === undefined ? undefined : { since: Number(cursor) },
      signal,
      fetch,
      sseDefaultRetryDelay: RECONNECT_MS,
      onSseEvent: (event) => {
        if (event.id) cursor = event.id;
        if (event.event === "audit" || event.event === "deleted") {
          onChange(event.data as AuditChange, event.event);
        }
      },
    });
    try {
      for await (const _ of stream) {
        // Each event was handled as it arrived, by onSseEvent.
      }
    } catch {
      // Aborted while reading: the loop ends below.
    }
    if (!signal.aborted) await pause(RECONNECT_MS);
  }
}
