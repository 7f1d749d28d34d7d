import { revalidatePath } from "next/cache";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getMe, type Me, type Role } from "@/client";
import { client } from "@/client/client.gen";
import { forwardedFor } from "@/lib/client-address";
import { type FormState, refusedForm } from "@/lib/form-state";
import { isSignedOut, type Result, type SdkResult, settle } from "@/lib/problem";
import {
  decodeSession,
  EXPIRED_PATH,
  encodeSession,
  isPerson,
  SESSION_COOKIE,
  type Session,
  SIGN_IN_PATH,
} from "@/lib/session";

/**
 * Every call this server makes to the API names the browser it acts for, so the
 * API's per-address limits (sign-in, failed authentication) count each browser.
 * Outside a request (at build time) there is no browser to name.
 */
async function requestHeaders(): Promise<Headers> {
  try {
    return await headers();
  } catch {
    return new Headers();
  }
}

client.interceptors.request.use(async (options) => {
  // The client has merged every header into one Headers object by now.
  if (!(options.headers instanceof Headers)) {
    return;
  }
  for (const [name, value] of Object.entries(forwardedFor(await requestHeaders()))) {
    options.headers.set(name, value);
  }
});

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
 * Server calls carry the token from the cookie and always ask the API afresh. The
 * SDK's `auth` sends it as the bearer token of the operations that declare a
 * scheme. Server code only: the browser's calls get the token from the proxy.
 */
export function authed(session: Session) {
  return { auth: session.token, cache: "no-store" } as const;
}

/**
 * A server action's write: a 401 ends the session as a read does; a success has
 * the page at `path` rendered afresh.
 */
export async function write<T>(
  path: string,
  call: () => Promise<SdkResult<T>>,
): Promise<Result<T>> {
  const result = await read(call);
  if (result.ok) {
    revalidatePath(path);
  }
  return result;
}

/** A form's write as the signed-in session: `done` on success, else the refusal. */
export async function submit<T>(
  path: string,
  done: string,
  call: (session: Session) => Promise<SdkResult<T>>,
): Promise<FormState> {
  const session = await requireSession();
  const result = await write(path, () => call(session));
  return result.ok ? { done } : refusedForm(result.problem);
}

/** A server read: a 401 (session or key revoked, cookie stale) ends the session at sign-in. */
export async function read<T>(call: () => Promise<SdkResult<T>>): Promise<Result<T>> {
  const result = await settle(call);
  if (!result.ok && isSignedOut(result.problem)) {
    redirect(EXPIRED_PATH);
  }
  return result;
}

/**
 * Keeps the session in the cookie: httpOnly, SameSite=Strict (no other site's page
 * or link ever carries it), Secure when the browser came over https. The cookie ends
 * with the browser; a person's session also expires and is revoked at the API.
 */
export async function keepSession(session: Session): Promise<void> {
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(SESSION_COOKIE, encodeSession(session), {
    httpOnly: true,
    sameSite: "strict",
    secure,
    path: "/",
  });
}

export async function forgetSession(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
}

/** Who is asking: with a person's session, the account and its role in the team. */
export type Viewer = {
  session: Session;
  /** Null when the session is a team API key. */
  me: Me | null;
  /** The person's role in the session's team; null for a key or a former member. */
  role: Role | null;
};

/** Asked once per request, however many layouts and pages want it. */
export const requireViewer = cache(async (): Promise<Viewer> => {
  const session = await requireSession();
  if (!isPerson(session)) {
    return { session, me: null, role: null };
  }
  const result = await read(() => getMe(authed(session)));
  if (!result.ok) {
    return { session, me: null, role: null };
  }
  const membership = result.data.memberships.find(({ team }) => team.name === session.team);
  return { session, me: result.data, role: membership?.role ?? null };
});

/** Admins and owners manage keys and members. */
export function managesTeam(role: Role | null): boolean {
  return role === "admin" || role === "owner";
}
