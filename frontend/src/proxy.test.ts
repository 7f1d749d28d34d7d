import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { encodeSession, SESSION_COOKIE } from "@/lib/session";
import { forwardedHeaders } from "./proxy";

function request(path: string, session?: { team: string; key: string }) {
  const headers = new Headers({ Accept: "application/json" });
  if (session) {
    headers.set("cookie", `${SESSION_COOKIE}=${encodeURIComponent(encodeSession(session))}`);
  }
  return new NextRequest(`http://127.0.0.1:3000${path}`, { headers });
}

describe("forwardedHeaders", () => {
  const session = { team: "acme", key: "ln_secret" };

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

  it("forwards signed-out calls without a key", () => {
    expect(forwardedHeaders(request("/v1/healthz")).get("Authorization")).toBeNull();
  });
});
