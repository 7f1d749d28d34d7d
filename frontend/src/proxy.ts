import { type NextRequest, NextResponse } from "next/server";
import { resolveBaseUrl } from "@/lib/api-config";
import { decodeSession, SESSION_COOKIE } from "@/lib/session";

const SPOOFABLE_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

/**
 * Headers for the API: the signed-in team's key on that team's paths only, so the
 * key lives in an httpOnly cookie and never in client JavaScript. The cookie itself
 * stays here: the API has no use for it.
 *
 * The one place our code writes an Authorization header: this forwards the
 * browser's raw request, which is no SDK call, so the SDK's `auth` option (used by
 * every server-side call) cannot apply. The format is the API's `TeamKey` scheme.
 */
export function forwardedHeaders(request: NextRequest): Headers {
  const headers = new Headers(request.headers);
  headers.delete("cookie");
  // The browser may write these itself; passed on, they would let it choose the
  // address the API counts its failed attempts under. Next.js gives the proxy no
  // socket peer to put in their place, so the API sees this server's address.
  for (const name of SPOOFABLE_HEADERS) {
    headers.delete(name);
  }
  const session = decodeSession(request.cookies.get(SESSION_COOKIE)?.value);
  const teamPath = session && `/v1/teams/${encodeURIComponent(session.team)}/`;
  if (session && teamPath && request.nextUrl.pathname.startsWith(teamPath)) {
    headers.set("Authorization", `Bearer ${session.key}`);
  }
  return headers;
}

/**
 * Forwards the browser's same-origin `/v1/*` calls to the API. A `rewrites()`
 * entry in next.config.ts would freeze API_BASE_URL into the build's routes
 * manifest; here it is read per request, so one build runs against any API.
 * Answers pass through as they arrive: the live audit stream is never buffered
 * (the API marks it `no-transform`, so it is not compressed on the way either).
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const apiBaseUrl = resolveBaseUrl({ isServer: true, apiBaseUrl: process.env.API_BASE_URL });
  return NextResponse.rewrite(new URL(`${pathname}${search}`, apiBaseUrl), {
    request: { headers: forwardedHeaders(request) },
  });
}

export const config = {
  matcher: "/v1/:path*",
};
