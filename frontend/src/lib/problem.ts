import { describeFailure } from "@/lib/status";

/** An API failure as the pages show it: what went wrong, and what the user can do. */
export type ApiProblem = {
  /** HTTP status; absent when no answer came back. */
  status?: number;
  code: string;
  error: string;
  /** Validation messages by form field (`tags`, `content`...). */
  fields: Record<string, string[]>;
  /** Seconds until a rate-limited caller may try again. */
  retryAfter?: number;
};

export type Result<T> = { ok: true; data: T } | { ok: false; problem: ApiProblem };

/** What every function of the generated client resolves to. */
export type SdkResult<T> = { data?: T; error?: unknown; response?: Response };

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

function retryAfterSeconds(error: unknown, response?: Response): number | undefined {
  const header = Number(response?.headers.get("Retry-After"));
  if (Number.isFinite(header) && header > 0) {
    return Math.ceil(header);
  }
  // The header may not survive every proxy; the envelope repeats it.
  const detail = (error as { details?: { retry_after?: unknown } } | null)?.details?.retry_after;
  return typeof detail === "number" && detail > 0 ? Math.ceil(detail) : undefined;
}

export function toProblem(error: unknown, response?: Response): ApiProblem {
  const { error: message, code } = describeFailure(error, response);
  const problem: ApiProblem = {
    status: response?.status,
    code,
    error: message,
    fields: fieldErrors((error as { details?: unknown } | null)?.details),
  };
  if (response?.status === 429) {
    problem.retryAfter = retryAfterSeconds(error, response);
  }
  return problem;
}

/** Calls the generated client and never throws: no answer at all is UNREACHABLE. */
export async function settle<T>(call: () => Promise<SdkResult<T>>): Promise<Result<T>> {
  try {
    const { data, error, response } = await call();
    if (error === undefined && response?.ok) {
      return { ok: true, data: data as T };
    }
    return { ok: false, problem: toProblem(error, response) };
  } catch {
    return { ok: false, problem: toProblem(undefined) };
  }
}

export function isSignedOut(problem: ApiProblem): boolean {
  return problem.status === 401;
}

export type ProblemText = { title: string; message: string };

function seconds(n: number): string {
  return n === 1 ? "1 second" : `${n} seconds`;
}

/** Plain words for each failure a page can meet; the API's own message otherwise. */
export function describeProblem(problem: ApiProblem): ProblemText {
  if (problem.code === "UNREACHABLE") {
    return {
      title: "Cannot reach the API",
      message: "The Looped Needle API did not answer. Check your connection, then try again.",
    };
  }
  if (problem.code === "AI_NOT_CONFIGURED") {
    return {
      title: "AI is not set up",
      message:
        "AI reviews are not set up on this server, so nothing can be audited yet. " +
        "An operator has to configure OPENAI_API_KEY or OPENAI_BASE_URL on the API.",
    };
  }
  switch (problem.status) {
    case 403:
      return {
        title: "Not allowed",
        message: "Your API key cannot open this team's workspace.",
      };
    case 404:
      return {
        title: "Not found",
        message: "It does not exist, or it has been deleted.",
      };
    case 429:
      return {
        title: "Too many requests",
        message:
          problem.retryAfter === undefined
            ? "Your team has hit its rate limit. Wait a moment, then try again."
            : `Your team has hit its rate limit. Try again in ${seconds(problem.retryAfter)}.`,
      };
    case 422:
      return { title: "Some fields need attention", message: problem.error };
    default:
      return { title: "Something went wrong", message: problem.error };
  }
}
