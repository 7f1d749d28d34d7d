import type { ErrorCode } from "@/client";

/** What a generated SDK function resolves to on success, for `mockResolvedValue`. */
export function answered(data: unknown, status = 200): never {
  return { data, response: new Response(null, { status }) } as never;
}

/** What it resolves to when the API answers with its error envelope. */
export function refused(
  status: number,
  code: ErrorCode,
  details: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): never {
  return {
    error: { error: `The API refused: ${code}`, code, details },
    response: new Response(null, { status, headers }),
  } as never;
}
