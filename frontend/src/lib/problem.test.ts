import { describe, expect, it } from "vitest";
import { describeProblem, fieldErrors, settle, toProblem } from "./problem";

function envelope(code: string, error: string, details: Record<string, unknown> = {}) {
  return { error, code, details };
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
  it("reads the retry time of a rate limit from Retry-After", () => {
    const response = new Response(null, { status: 429, headers: { "Retry-After": "42" } });
    const problem = toProblem(envelope("RATE_LIMITED", "Rate limited"), response);
    expect(problem).toMatchObject({ status: 429, code: "RATE_LIMITED", retryAfter: 42 });
  });

  it("falls back to the envelope's retry_after when the header is lost", () => {
    const response = new Response(null, { status: 429 });
    const body = envelope("RATE_LIMITED", "Rate limited", { retry_after: 7 });
    expect(toProblem(body, response).retryAfter).toBe(7);
  });

  it("keeps validation messages by field", () => {
    const body = envelope("VALIDATION_ERROR", "Request validation failed", {
      errors: [{ field: "body.author_name", message: "Field required" }],
    });
    const problem = toProblem(body, new Response(null, { status: 422 }));
    expect(problem.fields).toEqual({ author_name: ["Field required"] });
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
    expect(result).toMatchObject({ ok: false, problem: { status: 404, code: "NOT_FOUND" } });
  });

  it("reports an unreachable API instead of throwing", async () => {
    const result = await settle(async () => {
      throw new TypeError("fetch failed");
    });
    expect(result).toMatchObject({ ok: false, problem: { code: "UNREACHABLE" } });
  });
});

describe("describeProblem", () => {
  const problem = (status: number | undefined, code: string, extra = {}) => ({
    status,
    code,
    error: "from the API",
    fields: {},
    ...extra,
  });

  it("says plainly when AI is not set up", () => {
    const text = describeProblem(problem(503, "AI_NOT_CONFIGURED"));
    expect(text.title).toBe("AI is not set up");
    expect(text.message).toContain("AI reviews are not set up on this server");
  });

  it("tells a rate-limited user when to retry", () => {
    expect(describeProblem(problem(429, "RATE_LIMITED", { retryAfter: 1 })).message).toContain(
      "Try again in 1 second.",
    );
    expect(describeProblem(problem(429, "RATE_LIMITED", { retryAfter: 30 })).message).toContain(
      "Try again in 30 seconds.",
    );
    expect(describeProblem(problem(429, "RATE_LIMITED")).message).toContain("Wait a moment");
  });

  it("has friendly words for 403, 404 and a network failure", () => {
    expect(describeProblem(problem(403, "FORBIDDEN")).title).toBe("Not allowed");
    expect(describeProblem(problem(404, "NOT_FOUND")).title).toBe("Not found");
    expect(describeProblem(problem(undefined, "UNREACHABLE")).title).toBe("Cannot reach the API");
  });

  it("falls back to the API's own message", () => {
    expect(describeProblem(problem(409, "CONFLICT"))).toEqual({
      title: "Something went wrong",
      message: "from the API",
    });
  });
});
