import { type NextRequest, NextResponse } from "next/server";
import type { ErrorCode, ErrorResponse } from "@/client";
import { resolveBaseUrl } from "@/lib/api-config";
import { CLIENT_ADDRESS_HEADER, forwardedFor } from "@/lib/client-address";
import {
  contentSecurityPolicy,
  createNonce,
  STRICT_TRANSPORT_SECURITY,
} from "@/lib/security-headers";
import { decodeSession, SESSION_COOKIE } from "@/lib/session";

const SPOOFABLE_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip"];

/** `/v1/teams/{team}/…`: the only API paths the browser has any business calling. */
const TEAM_ROUTE = /^\/v1\/teams\/[^/]+\/./;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Headers for the API: the signed-in token (a person's session or a team key) on
 * the signed-in team's paths only, so it lives in an httpOnly cookie and never in
 * client JavaScript. The cookie itself stays here: the API has no use for it.
 *
 * The one place our code writes an Authorization header: this forwards the
 * browser's raw request, which is no SDK call, so the SDK's `auth` option (used by
 * every server-side call) cannot apply. The format is the API's `Session` and `TeamKey` schemes.
 */
export function forwardedHeaders(request: NextRequest): Headers {
  const headers = new Headers(request.headers);
  headers.delete("cookie");
  headers.delete(CLIENT_ADDRESS_HEADER);
  // The browser may write these itself; passed on, they would let it choose the
  // address the API counts its failed attempts under. The socket's peer goes in
  // their place, when the server was started with client-address.cjs.
  for (const name of SPOOFABLE_HEADERS) {
    headers.delete(name);
  }
  for (const [name, value] of Object.entries(forwardedFor(request.headers))) {
    headers.set(name, value);
  }
  const session = decodeSession(request.cookies.get(SESSION_COOKIE)?.value);
  const teamPath = session && `/v1/teams/${encodeURIComponent(session.team)}/`;
  if (session && teamPath && request.nextUrl.pathname.startsWith(teamPath)) {
    headers.set("Authorization", `Bearer ${session.token}`);
  }
  return headers;
}

/**
 * Whether a mutating call comes from this app's own pages. The cookie rides along
 * on any same-site request, so without this a sibling subdomain's page could post
 * as the signed-in team. Browsers send Sec-Fetch-Site; older ones only Origin.
 */
export function isSameOrigin(request: NextRequest): boolean {
  const site = request.headers.get("sec-fetch-site");
  if (site) {
    return site === "same-origin";
  }
  const origin = request.headers.get("origin");
  if (!origin) {
    return false;
  }
  try {
    return new URL(origin).host === request.headers.get("host");
  } catch {
    return false;
  }
}

function refusal(status: number, code: ErrorCode, error: string): NextResponse {
  const body: ErrorResponse = { error, code, details: {} };
  return NextResponse.json(body, { status });
}

/**
 * Forwards the browser's same-origin team calls to the API. A `rewrites()` entry in
 * next.config.ts would freeze API_BASE_URL into the build's routes manifest; here it
 * is read per request, so one build runs against any API. Answers pass through as
 * they arrive: the live audit stream is never buffered (the API marks it
 * `no-transform`, so it is not compressed on the way either). The operator's API
 * and the docs stay on the API's own origin, where nothing is authenticated for you.
 */
function forwardToApi(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (!TEAM_ROUTE.test(pathname)) {
    return refusal(404, "NOT_FOUND", "The web app forwards team routes only");
  }
  if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
    return refusal(403, "FORBIDDEN", "Cross-origin requests cannot change anything");
  }
  const apiBaseUrl = resolveBaseUrl({ isServer: true, apiBaseUrl: process.env.API_BASE_URL });
  return NextResponse.rewrite(new URL(`${pathname}${search}`, apiBaseUrl), {
    request: { headers: forwardedHeaders(request) },
  });
}

function isHttps(request: NextRequest): boolean {
  const forwardedProto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  return request.nextUrl.protocol === "https:" || forwardedProto === "https";
}

/**
 * A page: Next.js reads the nonce from the policy in the request's headers and puts
 * it on every script it renders, so pages are rendered per request (the root layout
 * waits for the connection).
 */
function renderPage(request: NextRequest): NextResponse {
  const https = isHttps(request);
  const policy = contentSecurityPolicy({
    nonce: createNonce(),
    development: process.env.NODE_ENV === "development",
    https,
  });
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  if (https) {
    response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
  }
  return response;
}

export function proxy(request: NextRequest): NextResponse {
  if (request.nextUrl.pathname.startsWith("/v1/")) {
    return forwardToApi(request);
  }
  return renderPage(request);
}

export const config = {
  // Static files carry no script to protect; their headers come from next.config.ts.
  matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"],
};
