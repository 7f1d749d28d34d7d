import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER } from "@/lib/client-address";
import { encodeSession, SESSION_COOKIE } from "@/lib/session";
import { forwardedHeaders, proxy } from "./proxy";

function request(
  path: string,
  session?: { team: string; token: string },
  init: { method?: string; headers?: Record<string, string> } = {},
) {
  const headers = new Headers({
    Accept: "application/json",
    Host: "127.0.0.1:3000",
    ...init.headers,
  });
  if (session) {
    headers.set("cookie", `${SESSION_COOKIE}=${encodeURIComponent(encodeSession(session))}`);
  }
  return new NextRequest(`http://127.0.0.1:3000${path}`, { headers, method: init.method });
}

describe("forwardedHeaders", () => {
  const session = { team: "acme", token: "ln_secret" };

  it("adds the signed-in team's key to that team's paths and drops the cookie", () => {
    const headers = forwardedHeaders(request("/v1/teams/acme/posts?limit=1", session));
    expect(headers.get("Authorization")).toBe("Bearer ln_secret");
    expect(headers.get("cookie")).toBeNull();
    expect(headers.get("Accept")).toBe("application/json");
  });

  it("never sends the key to another team's paths or the admin API", () => {
    expect(
      forwardedHeaders(request("/v1/teams/other/posts", session)).get("Authorization"),
    ).toBeNull();
    expect(
      forwardedHeaders(request("/v1/teams/acme-2/posts", session)).get("Authorization"),
    ).toBeNull();
    expect(forwardedHeaders(request("/v1/teams", session)).get("Authorization")).toBeNull();
  });

  it("drops the forwarding headers a browser wrote itself", () => {
    const spoofed = request("/v1/teams/acme/posts", session);
    for (const name of ["X-Forwarded-For", "Forwarded", "X-Real-IP"]) {
      spoofed.headers.set(name, "203.0.113.7");
    }
    const headers = forwardedHeaders(spoofed);
    expect(headers.get("x-forwarded-for")).toBeNull();
    expect(headers.get("forwarded")).toBeNull();
    expect(headers.get("x-real-ip")).toBeNull();
  });

  it("names the socket's peer, as the web server wrote it, as the client", () => {
    const spoofed = request("/v1/teams/acme/posts", session, {
      headers: { "X-Forwarded-For": "203.0.113.7", [CLIENT_ADDRESS_HEADER]: "198.51.100.4" },
    });
    const headers = forwardedHeaders(spoofed);
    expect(headers.get("x-forwarded-for")).toBe("198.51.100.4");
    expect(headers.get(CLIENT_ADDRESS_HEADER)).toBeNull();
  });

  it("forwards signed-out calls without a key", () => {
    expect(forwardedHeaders(request("/v1/healthz")).get("Authorization")).toBeNull();
  });
});

describe("proxy", () => {
  const session = { team: "acme", token: "ln_secret" };
  const rewriteOf = (response: Response) => response.headers.get("x-middleware-rewrite");

  it("forwards team routes to the API", () => {
    const response = proxy(request("/v1/teams/acme/posts?limit=1", session));
    expect(rewriteOf(response)).toMatch(/\/v1\/teams\/acme\/posts\?limit=1$/);
  });

  it.each([
    "/v1/teams",
    "/v1/teams/acme",
    "/v1/admin/teams",
    "/v1/docs",
    "/v1/openapi.json",
    "/v1/auth/sign-in",
  ])("answers %s itself with a 404 envelope", async (path) => {
    const response = proxy(request(path, session));
    expect(rewriteOf(response)).toBeNull();
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: "The web app forwards team routes only",
      code: "NOT_FOUND",
      details: {},
    });
  });

  it.each<Record<string, string>>([
    { "Sec-Fetch-Site": "same-site" },
    { "Sec-Fetch-Site": "cross-site" },
    { Origin: "https://evil.example" },
    { Origin: "http://127.0.0.1:3000.evil.example" },
    { Origin: "null" },
    {},
  ])("refuses a mutation from %o", async (headers) => {
    for (const method of ["POST", "PATCH", "PUT", "DELETE"]) {
      const response = proxy(request("/v1/teams/acme/posts", session, { method, headers }));
      expect(rewriteOf(response)).toBeNull();
      expect(response.status).toBe(403);
      expect((await response.json()).code).toBe("FORBIDDEN");
    }
  });

  it.each<Record<string, string>>([
    { "Sec-Fetch-Site": "same-origin" },
    { Origin: "http://127.0.0.1:3000" },
  ])("forwards a mutation from the app's own pages (%o)", (headers) => {
    const response = proxy(request("/v1/teams/acme/posts", session, { method: "POST", headers }));
    expect(rewriteOf(response)).not.toBeNull();
  });

  it("forwards reads whatever their origin", () => {
    const headers = { "Sec-Fetch-Site": "cross-site" };
    expect(rewriteOf(proxy(request("/v1/teams/acme/posts", session, { headers })))).not.toBeNull();
  });

  it("gives each page its own nonce, and the policy no inline scripts", () => {
    const policies = [1, 2].map(() =>
      proxy(request("/posts")).headers.get("Content-Security-Policy"),
    );
    const nonces = policies.map((policy) => policy?.match(/'nonce-([^']+)'/)?.[1]);
    expect(nonces[0]).toBeTruthy();
    expect(nonces[0]).not.toBe(nonces[1]);
    const scripts = policies[0]
      ?.split("; ")
      .find((directive) => directive.startsWith("script-src"));
    expect(scripts).not.toContain("unsafe-inline");
    expect(policies[0]).toContain("frame-ancestors 'none'");
    expect(policies[0]).toContain("object-src 'none'");
  });

  it("hands the nonce to the renderer through the request's policy", () => {
    const response = proxy(request("/posts"));
    const policy = response.headers.get("Content-Security-Policy");
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
  });

  it("asks for https only over https", () => {
    expect(proxy(request("/posts")).headers.get("Strict-Transport-Security")).toBeNull();
    const behindTls = proxy(
      request("/posts", undefined, { headers: { "X-Forwarded-Proto": "https" } }),
    );
    expect(behindTls.headers.get("Strict-Transport-Security")).toMatch(/^max-age=\d+/);
    expect(behindTls.headers.get("Content-Security-Policy")).toContain("upgrade-insecure-requests");
  });
});
