import { describe, expect, it } from "vitest";
import type { ErrorCode } from "@/client";
import {
  describeProblem,
  fieldErrors,
  isSignedOut,
  type Problem,
  problemReference,
  settle,
  toProblem,
} from "./problem";

function envelope(code: ErrorCode, error: string, details: Record<string, unknown> = {}) {
  return { error, code, details };
}

function apiProblem(status: number, code: ErrorCode, extra: Partial<Problem> = {}): Problem {
  return { kind: "api", status, code, error: "from the API", fields: {}, ...extra } as Problem;
}

describe("fieldErrors", () => {
  it("maps the API's field paths onto form fields, keeping item positions", () => {
    const details = {
      errors: [
        { field: "body.content", message: "String should have at least 1 character" },
        { field: "body.tags.1", message: "String should have at most 32 characters" },
        { field: "body.tags.3", message: "String should have at most 32 characters" },
      ],
    };
    expect(fieldErrors(details)).toEqual({
      content: ["String should have at least 1 character"],
      tags: [
        "Item 2: String should have at most 32 characters",
        "Item 4: String should have at most 32 characters",
      ],
    });
  });

  it("ignores details that are not a list of field errors", () => {
    expect(fieldErrors(undefined)).toEqual({});
    expect(fieldErrors({ errors: "nope" })).toEqual({});
    expect(fieldErrors({ errors: [{ field: 1 }] })).toEqual({});
  });
});

describe("toProblem", () => {
  it("keeps the API's envelope with its status and code", () => {
    const response = new Response(null, { status: 503 });
    expect(toProblem(envelope("DB_UNAVAILABLE", "Database unavailable"), response)).toEqual({
      kind: "api",
      status: 503,
      code: "DB_UNAVAILABLE",
      error: "Database unavailable",
      fields: {},
    });
  });

  it("reads the retry time of a rate limit from Retry-After", () => {
    const response = new Response(null, { status: 429, headers: { "Retry-After": "42" } });
    const problem = toProblem(envelope("RATE_LIMITED", "Rate limited"), response);
    expect(problem).toMatchObject({ kind: "api", code: "RATE_LIMITED", retryAfter: 42 });
  });

  it("falls back to the envelope's retry_after when the header is lost", () => {
    const response = new Response(null, { status: 429 });
    const body = envelope("RATE_LIMITED", "Rate limited", { retry_after: 7 });
    expect(toProblem(body, response)).toMatchObject({ retryAfter: 7 });
  });

  it("keeps validation messages by field", () => {
    const body = envelope("VALIDATION_ERROR", "Request validation failed", {
      errors: [{ field: "body.author_name", message: "Field required" }],
    });
    const problem = toProblem(body, new Response(null, { status: 422 }));
    expect(problem).toMatchObject({ kind: "api", fields: { author_name: ["Field required"] } });
  });

  it("names the HTTP status, and no code, when the body is not an envelope", () => {
    const response = new Response(null, { status: 502, statusText: "Bad Gateway" });
    const problem = toProblem("<html>bad gateway</html>", response);
    expect(problem).toEqual({
      kind: "http",
      status: 502,
      error: "The API answered 502 Bad Gateway",
    });
    expect(problem).not.toHaveProperty("code");
  });

  it("reports an unreachable API when there was no answer", () => {
    expect(toProblem(undefined)).toEqual({
      kind: "unreachable",
      error: "The API could not be reached",
    });
  });
});

describe("settle", () => {
  it("returns the data of a successful call", async () => {
    const response = new Response(null, { status: 200 });
    expect(await settle(async () => ({ data: { ok: 1 }, response }))).toEqual({
      ok: true,
      data: { ok: 1 },
    });
  });

  it("accepts a 204 without a body", async () => {
    const response = new Response(null, { status: 204 });
    expect((await settle(async () => ({ data: undefined, response }))).ok).toBe(true);
  });

  it("turns an error answer into a problem", async () => {
    const response = new Response(null, { status: 404 });
    const result = await settle(async () => ({
      error: envelope("NOT_FOUND", "Resource not found"),
      response,
    }));
    expect(result).toMatchObject({
      ok: false,
      problem: { kind: "api", status: 404, code: "NOT_FOUND" },
    });
  });

  it("reports an unreachable API instead of throwing", async () => {
    const result = await settle(async () => {
      throw new TypeError("fetch failed");
    });
    expect(result).toEqual({ ok: false, problem: toProblem(undefined) });
  });
});

describe("isSignedOut", () => {
  it("is the API refusing the key, and nothing else", () => {
    expect(isSignedOut(apiProblem(401, "UNAUTHORIZED"))).toBe(true);
    expect(isSignedOut(apiProblem(403, "FORBIDDEN"))).toBe(false);
    expect(isSignedOut({ kind: "http", status: 401, error: "proxy" })).toBe(false);
    expect(isSignedOut(toProblem(undefined))).toBe(false);
  });
});

describe("describeProblem", () => {
  it("says plainly when AI is not set up", () => {
    const text = describeProblem(apiProblem(503, "AI_NOT_CONFIGURED"));
    expect(text.title).toBe("AI is not set up");
    expect(text.message).toContain("AI reviews are not set up on this server");
  });

  it("tells a rate-limited user when to retry", () => {
    const limited = (retryAfter?: number) => apiProblem(429, "RATE_LIMITED", { retryAfter });
    expect(describeProblem(limited(1)).message).toContain("Try again in 1 second.");
    expect(describeProblem(limited(30)).message).toContain("Try again in 30 seconds.");
    expect(describeProblem(limited()).message).toContain("Wait a moment");
    expect(describeProblem(limited()).title).toBe("Too many requests");
  });

  it("has friendly words for 403, 404 and a network failure", () => {
    expect(describeProblem(apiProblem(403, "FORBIDDEN")).title).toBe("Not allowed");
    expect(describeProblem(apiProblem(404, "NOT_FOUND")).title).toBe("Not found");
    expect(describeProblem(apiProblem(404, "PARENT_NOT_FOUND")).title).toBe("Not found");
    expect(describeProblem(toProblem(undefined))).toEqual({
      title: "Cannot reach the API",
      message: "The Looped Needle API did not answer. Check your connection, then try again.",
    });
  });

  it("points a validation failure at the fields, in the API's words", () => {
    expect(describeProblem(apiProblem(422, "VALIDATION_ERROR"))).toEqual({
      title: "Some fields need attention",
      message: "from the API",
    });
  });

  it("falls back to the API's own message, or the status of a bare answer", () => {
    expect(describeProblem(apiProblem(409, "CONFLICT"))).toEqual({
      title: "Something went wrong",
      message: "from the API",
    });
    const bare = toProblem("", new Response(null, { status: 500 }));
    expect(describeProblem(bare)).toEqual({
      title: "Something went wrong",
      message: "The API answered 500",
    });
  });
});

describe("problemReference", () => {
  it("names the API's code, else the HTTP status, and nothing without an answer", () => {
    expect(problemReference(apiProblem(404, "NOT_FOUND"))).toEqual({
      label: "Code",
      value: "NOT_FOUND",
    });
    expect(problemReference({ kind: "http", status: 502, error: "x" })).toEqual({
      label: "HTTP status",
      value: "502",
    });
    expect(problemReference(toProblem(undefined))).toBeNull();
  });
});

describe("Problem type", () => {
  it("accepts only the codes the API declares (checked by `npm run typecheck`)", () => {
    const invented = {
      kind: "api",
      status: 0,
      // @ts-expect-error: the API never sends UNREACHABLE; no answer is its own kind.
      code: "UNREACHABLE",
      error: "",
      fields: {},
    } satisfies Problem;
    const noCode = {
      kind: "unreachable",
      error: "",
      // @ts-expect-error: a problem without an answer has no code to carry.
      code: "HTTP_502",
    } satisfies Problem;
    expect([invented.kind, noCode.kind]).toEqual(["api", "unreachable"]);
  });
});
