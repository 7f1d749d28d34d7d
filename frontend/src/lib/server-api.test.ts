import { describe, expect, it, vi } from "vitest";
import { getHealthz, listPosts } from "@/client";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { authed, read } from "./server-api";

const redirect = vi.fn((path: string) => {
  throw new Error(`redirect ${path}`);
});
vi.mock("next/navigation", () => ({ redirect: (path: string) => redirect(path) }));
const incoming = { headers: new Headers() };
vi.mock("next/headers", () => ({ cookies: vi.fn(), headers: async () => incoming.headers }));

type Sent = { url: string; init: RequestInit };

function answerWith(response: () => Response): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit) => {
      sent.push({ url, init });
      return response();
    }),
  );
  return sent;
}

const page = () =>
  new Response(JSON.stringify({ posts: [], total: 0 }), {
    status: 200,
    headers: { "Content-Type": "application/json" },
  });

describe("authed", () => {
  const session = { team: "acme", token: "ln_secret" };

  it("has the SDK send the key as the bearer token, never cached", async () => {
    const sent = answerWith(page);

    await listPosts({ ...authed(session), path: { team: "acme" } });

    const [{ url, init }] = sent;
    expect(url).toMatch(/\/v1\/teams\/acme\/posts$/);
    expect(new Headers(init.headers).get("Authorization")).toBe("Bearer ln_secret");
    expect(init.cache).toBe("no-store");
  });

  it("sends no key to an operation that declares no security scheme", async () => {
    const sent = answerWith(
      () => new Response(JSON.stringify({ status: "ok", buildSha: "x" }), { status: 200 }),
    );

    await getHealthz(authed(session));

    expect(new Headers(sent[0].init.headers).get("Authorization")).toBeNull();
  });
});

describe("the client's address", () => {
  it("names the browser the web server saw, never one the browser wrote", async () => {
    incoming.headers = new Headers({
      [CLIENT_ADDRESS_HEADER]: "198.51.100.4",
      "X-Forwarded-For": "203.0.113.7",
    });
    const sent = answerWith(page);

    await listPosts({ path: { team: "acme" } });

    expect(new Headers(sent[0].init.headers).get("X-Forwarded-For")).toBe("198.51.100.4");
  });

  it("names no one when the web server was started without client-address.cjs", async () => {
    incoming.headers = new Headers({ "X-Forwarded-For": "203.0.113.7" });
    const sent = answerWith(page);

    await listPosts({ path: { team: "acme" } });

    expect(new Headers(sent[0].init.headers).get("X-Forwarded-For")).toBeNull();
  });
});

describe("read", () => {
  it("returns the data of a successful read", async () => {
    answerWith(page);
    const result = await read(() => listPosts({ path: { team: "acme" } }));
    expect(result).toEqual({ ok: true, data: { posts: [], total: 0 } });
  });

  it("ends the session at sign-in with a reason when the key is refused", async () => {
    answerWith(
      () =>
        new Response(
          JSON.stringify({
            error: "A valid API key is required",
            code: "UNAUTHORIZED",
            details: {},
          }),
          { status: 401, headers: { "Content-Type": "application/json" } },
        ),
    );
    await expect(read(() => listPosts({ path: { team: "acme" } }))).rejects.toThrow(
      "redirect /sign-in?reason=expired",
    );
  });

  it("hands any other problem to the page to show", async () => {
    answerWith(
      () =>
        new Response(JSON.stringify({ error: "Forbidden", code: "FORBIDDEN", details: {} }), {
          status: 403,
          headers: { "Content-Type": "application/json" },
        }),
    );
    const result = await read(() => listPosts({ path: { team: "acme" } }));
    expect(result).toMatchObject({ ok: false, problem: { kind: "api", code: "FORBIDDEN" } });
    expect(redirect).not.toHaveBeenCalled();
  });
});
