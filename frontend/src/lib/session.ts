/**
 * Who is signed in, kept in one httpOnly cookie: the team being worked in and the
 * bearer token the web server sends for it. Pure helpers only: the proxy (edge
 * runtime) and server code both read the cookie with them.
 */
export const SESSION_COOKIE = "looped_session";

/**
 * `token` is a person's session token (`ls_…`, revocable, expiring) or, for the
 * developer sign-in, a team API key (`ln_…`). The API tells them apart by prefix.
 */
export type Session = { team: string; token: string };

/** The API's prefix for a person's session token. */
const SESSION_TOKEN_PREFIX = "ls_";

export const SIGN_IN_PATH = "/sign-in";
/** Where a refused token (401) sends the user: the page explains why. */
export const EXPIRED_PATH = "/sign-in?reason=expired";

/** A person signed in with a password or an invitation, not a team API key. */
export function isPerson(session: Session): boolean {
  return session.token.startsWith(SESSION_TOKEN_PREFIX);
}

export function encodeSession(session: Session): string {
  return JSON.stringify({ team: session.team, token: session.token });
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
    const { team, token } = parsed as Record<string, unknown>;
    if (typeof team === "string" && team && typeof token === "string" && token) {
      return { team, token };
    }
    return null;
  } catch {
    return null;
  }
}
