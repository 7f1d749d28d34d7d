import type { ErrorCode, ErrorResponse } from "@/client";

/**
 * Why a call to the API failed. Only the API's own envelope carries a code, typed by
 * the generated `ErrorCode`; an answer without it and no answer at all are kinds of
 * their own, so no code is ever invented for them.
 */
export type Problem =
  | {
      /** The API answered with its error envelope. */
      kind: "api";
      status: number;
      code: ErrorCode;
      error: string;
      /** Validation messages by form field (`tags`, `content`...). */
      fields: Record<string, string[]>;
      /** Seconds until a rate-limited caller may try again. */
      retryAfter?: number;
    }
  | {
      /** Something between us and the API (a proxy, a crashed worker) answered instead. */
      kind: "http";
      status: number;
      error: string;
    }
  | {
      /** No answer came back: the network failed or the call timed out. */
      kind: "unreachable";
      error: string;
    };

export type Result<T> = { ok: true; data: T } | { ok: false; problem: Problem };

/** What every function of the generated client resolves to. */
export type SdkResult<T> = { data?: T; error?: unknown; response?: Response };

/** The envelope's shape; its code is then trusted to be one the OpenAPI document lists. */
function isErrorEnvelope(value: unknown): value is ErrorResponse {
  if (typeof value !== "object" || value === null) {
    return false;
  }
  const { error, code } = value as Record<string, unknown>;
  return typeof error === "string" && typeof code === "string";
}

type FieldError = { field?: unknown; message?: unknown };

/**
 * 422 details list fields as `body.tags.0`; forms name their inputs by the top-level
 * field, so an item's position is kept in the message instead.
 */
export function fieldErrors(details: unknown): Record<string, string[]> {
  const errors = (details as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) {
    return {};
  }
  const fields: Record<string, string[]> = {};
  for (const item of errors as FieldError[]) {
    if (typeof item?.field !== "string" || typeof item.message !== "string") {
      continue;
    }
    const [name, index] = item.field.replace(/^(body|query|path)\./, "").split(".");
    const message =
      index === undefined ? item.message : `Item ${Number(index) + 1}: ${item.message}`;
    fields[name] = [...(fields[name] ?? []), message];
  }
  return fields;
}

function retryAfterSeconds(envelope: ErrorResponse, response: Response): number | undefined {
  const header = Number(response.headers.get("Retry-After"));
  if (Number.isFinite(header) && header > 0) {
    return Math.ceil(header);
  }
  // The header may not survive every proxy; the envelope repeats it.
  const detail = envelope.details?.retry_after;
  return typeof detail === "number" && detail > 0 ? Math.ceil(detail) : undefined;
}

const NO_ANSWER: Problem = { kind: "unreachable", error: "The API could not be reached" };

/** The problem behind an SDK answer that was not a success; no answer is `unreachable`. */
export function toProblem(error: unknown, response?: Response): Problem {
  if (!response) {
    return NO_ANSWER;
  }
  if (!isErrorEnvelope(error)) {
    return {
      kind: "http",
      status: response.status,
      error: `The API answered ${response.status} ${response.statusText}`.trim(),
    };
  }
  return {
    kind: "api",
    status: response.status,
    code: error.code,
    error: error.error,
    fields: fieldErrors(error.details),
    retryAfter: error.code === "RATE_LIMITED" ? retryAfterSeconds(error, response) : undefined,
  };
}

/** Calls the generated client and never throws: no answer at all is `unreachable`. */
export async function settle<T>(call: () => Promise<SdkResult<T>>): Promise<Result<T>> {
  try {
    const { data, error, response } = await call();
    if (error === undefined && response?.ok) {
      return { ok: true, data: data as T };
    }
    return { ok: false, problem: toProblem(error, response) };
  } catch {
    // The client throws only when no HTTP answer came back (refused, aborted, timed out).
    return { ok: false, problem: NO_ANSWER };
  }
}

/** The key was refused (revoked, or the cookie is stale): the session is over. */
export function isSignedOut(problem: Problem): boolean {
  return problem.kind === "api" && problem.code === "UNAUTHORIZED";
}

/** What a bug report names the failure by: the API's code, else the HTTP status. */
export function problemReference(problem: Problem): { label: string; value: string } | null {
  switch (problem.kind) {
    case "api":
      return { label: "Code", value: problem.code };
    case "http":
      return { label: "HTTP status", value: String(problem.status) };
    case "unreachable":
      return null;
  }
}

export type ProblemText = { title: string; message: string };

function seconds(n: number): string {
  return n === 1 ? "1 second" : `${n} seconds`;
}

/** Plain words for each failure a page can meet; the API's own message otherwise. */
export function describeProblem(problem: Problem): ProblemText {
  if (problem.kind === "unreachable") {
    return {
      title: "Cannot reach the API",
      message: "The Looped Needle API did not answer. Check your connection, then try again.",
    };
  }
  if (problem.kind === "http") {
    return { title: "Something went wrong", message: problem.error };
  }
  switch (problem.code) {
    case "AI_NOT_CONFIGURED":
      return {
        title: "AI is not set up",
        message:
          "AI reviews are not set up on this server, so nothing can be audited yet. " +
          "An operator has to configure OPENAI_API_KEY or OPENAI_BASE_URL on the API.",
      };
    case "FORBIDDEN":
      return {
        title: "Not allowed",
        message: "You cannot open this team's workspace.",
      };
    case "ROLE_REQUIRED":
      return {
        title: "Not allowed",
        message: "Your role in this team does not allow this. Ask an admin or an owner.",
      };
    case "PERSON_REQUIRED":
      return {
        title: "Sign in as yourself",
        message: "This needs a person's sign-in with email and password, not a team API key.",
      };
    case "NOT_FOUND":
    case "PARENT_NOT_FOUND":
      return {
        title: "Not found",
        message: "It does not exist, or it has been deleted.",
      };
    case "RATE_LIMITED":
      return {
        title: "Too many requests",
        message:
          problem.retryAfter === undefined
            ? "Your team has hit its rate limit. Wait a moment, then try again."
            : `Your team has hit its rate limit. Try again in ${seconds(problem.retryAfter)}.`,
      };
    case "VALIDATION_ERROR":
    case "IDEMPOTENCY_KEY_REUSED":
      return { title: "Some fields need attention", message: problem.error };
    default:
      return { title: "Something went wrong", message: problem.error };
  }
}
