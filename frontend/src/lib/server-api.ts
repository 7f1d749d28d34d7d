import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { isSignedOut, type Result, type SdkResult, settle } from "@/lib/problem";
import {
  decodeSession,
  EXPIRED_PATH,
  SESSION_COOKIE,
  type Session,
  SIGN_IN_PATH,
} from "@/lib/session";

export async function getSession(): Promise<Session | null> {
  const jar = await cookies();
  return decodeSession(jar.get(SESSION_COOKIE)?.value);
}

export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) {
    redirect(SIGN_IN_PATH);
  }
  return session;
}

/**
 * Server reads carry the key from the cookie and always ask the API afresh. The
 * SDK's `auth` sends it as the bearer token of the operations that declare the
 * `TeamKey` scheme. Server code only: the browser's calls get the key from the proxy.
 */
export function authed(session: Session) {
  return { auth: session.key, cache: "no-store" } as const;
}

/** A server read: a 401 (key revoked, cookie stale) ends the session at sign-in. */
export async function read<T>(call: () => Promise<SdkResult<T>>): Promise<Result<T>> {
  const result = await settle(call);
  if (!result.ok && isSignedOut(result.problem)) {
    redirect(EXPIRED_PATH);
  }
  return result;
}
