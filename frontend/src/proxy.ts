import { type NextRequest, NextResponse } from "next/server";
import { resolveBaseUrl } from "@/lib/api-config";

/**
 * Forwards the browser's same-origin `/v1/*` calls to the API. A `rewrites()`
 * entry in next.config.ts would freeze API_BASE_URL into the build's routes
 * manifest; here it is read per request, so one build runs against any API.
 */
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const apiBaseUrl = resolveBaseUrl({ isServer: true, apiBaseUrl: process.env.API_BASE_URL });
  return NextResponse.rewrite(new URL(`${pathname}${search}`, apiBaseUrl));
}

export const config = {
  matcher: "/v1/:path*",
};
