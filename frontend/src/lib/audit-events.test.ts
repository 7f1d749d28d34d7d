import { describe, expect, it } from "vitest";
import type { AuditChange } from "@/client";
import { eventIdAt, followAuditChanges } from "./audit-events";

function change(status: AuditChange["status"]): AuditChange {
  return {
    id: "a1",
    status,
    attempts: status === "pending" ? 0 : 1,
    review_status: "unreviewed",
    updated_at: "2026-12-03T07:00:00Z",
  };
}

function sse(...events: string[]): Response {
  return new Response(events.join(""), {
    headers: { "content-type": "text/event-stream" },
  });
}

function event(id: number, data: AuditChange, name = "audit"): string {
  return `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

describe("followAuditChanges", () => {
  it("hands over each change and reopens an ended stream from its last event", async () => {
    const controller = new AbortController();
    const asked: string[] = [];
    const answers = [
      sse(": audit changes\n\n", event(10, change("pending")), event(11, change("running"))),
      sse(event(12, change("completed"))),
    ];
    const fetch = async (request: RequestInfo | URL) => {
      asked.push(String(request instanceof Request ? request.url : request));
      const answer = answers.shift();
      if (!answer) {
        controller.abort();
        return sse();
      }
      return answer;
    };
    const seen: string[] = [];

    await followAuditChanges({
      team: "acme",
      since: "5",
      signal: controller.signal,
      onChange: (audit, kind) => seen.push(`${kind}:${audit.status}`),
      pause: async () => {},
      fetch: fetch as typeof globalThis.fetch,
    });

    expect(seen).toEqual(["audit:pending", "audit:running", "audit:completed"]);
    expect(asked[0]).toMatch(/\/v1\/teams\/acme\/audits\/events\?since=5$/);
    expect(asked[1]).toMatch(/since=11$/);
    expect(asked[2]).toMatch(/since=12$/);
  });

  it("turns a time into the API's microsecond event id", () => {
    expect(eventIdAt("2026-12-03T07:00:00.123Z")).toBe("1796281200123000");
  });
});
