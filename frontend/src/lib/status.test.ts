import { describe, expect, it, vi } from "vitest";
import { formatLatency, loadSystemStatus } from "./status";

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}

function routeFetch(routes: Record<string, () => Response | Promise<Response>>) {
  return vi.fn(async (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const answer = routes[url.pathname];
    if (!answer) {
      throw new Error(`unexpected request to ${url.pathname}`);
    }
    return answer();
  });
}

describe("loadSystemStatus", () => {
  it("returns both checks when the API and database are healthy", async () => {
    const fetch = routeFetch({
      "/v1/healthz": () => json(200, { status: "ok", buildSha: "abc123" }),
      "/health/db": () =>
        json(200, { status: "ok", database: "ok", latency_ms: 1.5, revision: "20250101_0000" }),
    });
    vi.stubGlobal("fetch", fetch);

    const status = await loadSystemStatus();

    expect(status.api).toEqual({ ok: true, data: { status: "ok", buildSha: "abc123" } });
    expect(status.database).toMatchObject({ ok: true, data: { revision: "20250101_0000" } });
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("keeps the API check when only the database fails", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/v1/healthz": () => json(200, { status: "ok", buildSha: "abc123" }),
        "/health/db": () =>
          json(503, { error: "Database unavailable", code: "DB_UNAVAILABLE", details: {} }),
      }),
    );

    const status = await loadSystemStatus();

    expect(status.api.ok).toBe(true);
    expect(status.database).toMatchObject({
      ok: false,
      problem: { kind: "api", status: 503, code: "DB_UNAVAILABLE", error: "Database unavailable" },
    });
  });

  it("reports a proxy's answer without the envelope by its HTTP status", async () => {
    vi.stubGlobal(
      "fetch",
      routeFetch({
        "/v1/healthz": () => new Response("<html>bad gateway</html>", { status: 502 }),
        "/health/db": () => new Response("<html>bad gateway</html>", { status: 502 }),
      }),
    );

    const status = await loadSystemStatus();

    expect(status.api).toEqual({
      ok: false,
      problem: { kind: "http", status: 502, error: "The API answered 502" },
    });
  });

  it("turns a refused connection into an unreachable state instead of throwing", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("fetch failed");
      }),
    );

    const status = await loadSystemStatus();

    expect(status.api).toMatchObject({ ok: false, problem: { kind: "unreachable" } });
    expect(status.database).toMatchObject({ ok: false, problem: { kind: "unreachable" } });
  });

  it("gives up on an API that never answers", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(
        (_input: RequestInfo | URL, init?: RequestInit) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
          }),
      ),
    );

    const status = await loadSystemStatus(20);

    expect(status.api).toMatchObject({ ok: false, problem: { kind: "unreachable" } });
  });
});

describe("formatLatency", () => {
  it("keeps a decimal for fast checks and rounds slow ones", () => {
    expect(formatLatency(0.4321)).toBe("0.4 ms");
    expect(formatLatency(123.6)).toBe("124 ms");
  });
});
