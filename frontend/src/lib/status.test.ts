import { afterEach, describe, expect, it, vi } from "vitest";
import { describeFailure, formatLatency, loadSystemStatus } from "./status";

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

describe("describeFailure", () => {
  it("passes the API's error envelope through", () => {
    const envelope = { error: "Database unavailable", code: "DATABASE_UNAVAILABLE", details: {} };
    expect(describeFailure(envelope, new Response(null, { status: 503 }))).toEqual({
      error: "Database unavailable",
      code: "DATABASE_UNAVAILABLE",
    });
  });

  it("names the HTTP status when the body is not an envelope", () => {
    const response = new Response(null, { status: 502, statusText: "Bad Gateway" });
    expect(describeFailure("<html>bad gateway</html>", response)).toEqual({
      error: "The API answered 502 Bad Gateway",
      code: "HTTP_502",
    });
  });

  it("reports an unreachable API when there was no answer", () => {
    expect(describeFailure(undefined).code).toBe("UNREACHABLE");
  });
});

describe("loadSystemStatus", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

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
          json(503, { error: "Database unavailable", code: "DATABASE_UNAVAILABLE", details: {} }),
      }),
    );

    const status = await loadSystemStatus();

    expect(status.api.ok).toBe(true);
    expect(status.database).toEqual({
      ok: false,
      problem: { error: "Database unavailable", code: "DATABASE_UNAVAILABLE" },
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

    expect(status.api).toMatchObject({ ok: false, problem: { code: "UNREACHABLE" } });
    expect(status.database).toMatchObject({ ok: false, problem: { code: "UNREACHABLE" } });
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

    expect(status.api).toMatchObject({ ok: false, problem: { code: "UNREACHABLE" } });
  });
});

describe("formatLatency", () => {
  it("keeps a decimal for fast checks and rounds slow ones", () => {
    expect(formatLatency(0.4321)).toBe("0.4 ms");
    expect(formatLatency(123.6)).toBe("124 ms");
  });
});
