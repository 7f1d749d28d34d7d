import { describe, expect, it, vi } from "vitest";
import { listPosts } from "@/client";
import { answered, refused } from "@/test/sdk";
import { signIn } from "./actions";

const jar = { set: vi.fn(), delete: vi.fn(), get: vi.fn() };
vi.mock("next/headers", () => ({
  cookies: async () => jar,
  headers: async () => new Headers(),
}));
vi.mock("next/navigation", () => ({
  redirect: (path: string) => {
    throw new Error(`redirect ${path}`);
  },
}));
vi.mock("@/client", () => ({ listPosts: vi.fn() }));

function form(team: string, key: string): FormData {
  const data = new FormData();
  data.set("team", team);
  data.set("key", key);
  return data;
}

describe("signIn", () => {
  it("checks the key through the SDK's auth option, then keeps it in an httpOnly cookie", async () => {
    vi.mocked(listPosts).mockResolvedValue(answered({ posts: [], total: 0 }));

    await expect(signIn({}, form(" Acme ", " ln_secret "))).rejects.toThrow("redirect /posts");

    const [options] = vi.mocked(listPosts).mock.calls[0];
    expect(options).toMatchObject({ auth: "ln_secret", path: { team: "acme" }, cache: "no-store" });
    expect(options).not.toHaveProperty("headers");
    expect(jar.set).toHaveBeenCalledWith(
      "looped_session",
      JSON.stringify({ team: "acme", key: "ln_secret" }),
      expect.objectContaining({ httpOnly: true, sameSite: "strict" }),
    );
  });

  it.each([
    [401, "UNAUTHORIZED"],
    [403, "FORBIDDEN"],
    [404, "NOT_FOUND"],
    [422, "VALIDATION_ERROR"],
  ] as const)("says the team or key is wrong on a %i %s", async (status, code) => {
    vi.mocked(listPosts).mockResolvedValue(refused(status, code));
    expect(await signIn({}, form("acme", "ln_wrong"))).toEqual({
      error: "Wrong team name or API key. Check both and try again.",
      team: "acme",
    });
    expect(jar.set).not.toHaveBeenCalled();
  });

  it("tells a rate-limited user when to retry instead of blaming the key", async () => {
    vi.mocked(listPosts).mockResolvedValue(refused(429, "RATE_LIMITED", { retry_after: 9 }));
    expect((await signIn({}, form("acme", "ln_x"))).error).toBe(
      "Your team has hit its rate limit. Try again in 9 seconds.",
    );
  });

  it("says the API cannot be reached when no answer comes back", async () => {
    vi.mocked(listPosts).mockRejectedValue(new TypeError("fetch failed"));
    expect((await signIn({}, form("acme", "ln_x"))).error).toContain(
      "The Looped Needle API did not answer",
    );
  });

  it("asks for both fields before calling the API", async () => {
    expect(await signIn({}, form("acme", ""))).toEqual({
      error: "Enter your team name and API key.",
      team: "acme",
    });
    expect(listPosts).not.toHaveBeenCalled();
  });
});
