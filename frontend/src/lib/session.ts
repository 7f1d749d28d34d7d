/**
 * The signed-in team and its API key, kept in one httpOnly cookie. Pure helpers
 * only: the proxy (edge runtime) and server code both read the cookie with them.
 */
export const SESSION_COOKIE = "looped_session";

export type Session = { team: string; key: string };

export const SIGN_IN_PATH = "/sign-in";
/** Where a refused key (401) sends the user: the page explains why. */
export const EXPIRED_PATH = "/sign-in?reason=expired";

export function encodeSession(session: Session): string {
  return JSON.stringify({ team: session.team, key: session.key });
}

/** A cookie that is missing, tampered with or from an older format means "signed out". */
export function decodeSession(value: string | undefined): Session | null {
  if (!value) {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== "object" || parsed === null) {
      return null;
    }
    const { team, key } = parsed as Record<string, unknown>;
    if (typeof team === "string" && team && typeof key === "string" && key) {
      return { team, key };
    }
    return null;
  } catch {
    return null;
  }
}
