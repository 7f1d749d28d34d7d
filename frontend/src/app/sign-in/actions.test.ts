import { describe, expect, it, vi } from "vitest";
import { getMe, listPosts, signOut as revokeSession, signIn } from "@/client";
import { answered, refused } from "@/test/sdk";
import { signInWithKey, signInWithPassword, signOut } from "./actions";

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
vi.mock("@/client", () => ({
  getMe: vi.fn(),
  listPosts: vi.fn(),
  signIn: vi.fn(),
  signOut: vi.fn(),
}));

function form(team: string, key: string): FormData {
  const data = new FormData();
  data.set("team", team);
  data.set("key", key);
  return data;
}

describe("signInWithKey", () => {
  it("checks the key through the SDK's auth option, then keeps it in an httpOnly cookie", async () => {
    vi.mocked(listPosts).mockResolvedValue(answered({ posts: [], total: 0 }));

    await expect(signInWithKey({}, form(" Acme ", " ln_secret "))).rejects.toThrow(
      "redirect /posts",
    );

    const [options] = vi.mocked(listPosts).mock.calls[0];
    expect(options).toMatchObject({ auth: "ln_secret", path: { team: "acme" }, cache: "no-store" });
    expect(options).not.toHaveProperty("headers");
    expect(jar.set).toHaveBeenCalledWith(
      "looped_session",
      JSON.stringify({ team: "acme", token: "ln_secret" }),
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
    expect(await signInWithKey({}, form("acme", "ln_wrong"))).toEqual({
      error: "Wrong team name or API key. Check both and try again.",
      team: "acme",
    });
    expect(jar.set).not.toHaveBeenCalled();
  });

  it("tells a rate-limited user when to retry instead of blaming the key", async () => {
    vi.mocked(listPosts).mockResolvedValue(refused(429, "RATE_LIMITED", { retry_after: 9 }));
    expect((await signInWithKey({}, form("acme", "ln_x"))).error).toBe(
      "Your team has hit its rate limit. Try again in 9 seconds.",
    );
  });

  it("says the API cannot be reached when no answer comes back", async () => {
    vi.mocked(listPosts).mockRejectedValue(new TypeError("fetch failed"));
    expect((await signInWithKey({}, form("acme", "ln_x"))).error).toContain(
      "The Looped Needle API did not answer",
    );
  });

  it("asks for both fields before calling the API", async () => {
    expect(await signInWithKey({}, form("acme", ""))).toEqual({
      error: "Enter your team name and API key.",
      team: "acme",
    });
    expect(listPosts).not.toHaveBeenCalled();
  });
});

function credentials(email: string, password: string): FormData {
  const data = new FormData();
  data.set("email", email);
  data.set("password", password);
  return data;
}

const signedIn = {
  token: "ls_session",
  expires_at: "2026-12-31T00:00:00Z",
  user: { id: "u1", email: "ada@example.com", display_name: "Ada" },
};

describe("signInWithPassword", () => {
  it("keeps the new session token for the person's oldest team", async () => {
    vi.mocked(signIn).mockResolvedValue(answered(signedIn));
    vi.mocked(getMe).mockResolvedValue(
      answered({ user: signedIn.user, memberships: [{ team: { name: "acme" }, role: "owner" }] }),
    );

    await expect(signInWithPassword({}, credentials(" ada@example.com ", "pw"))).rejects.toThrow(
      "redirect /posts",
    );

    expect(vi.mocked(signIn).mock.calls[0][0]).toMatchObject({
      body: { email: "ada@example.com", password: "pw" },
    });
    expect(vi.mocked(getMe).mock.calls[0][0]).toMatchObject({ auth: "ls_session" });
    expect(jar.set).toHaveBeenCalledWith(
      "looped_session",
      JSON.stringify({ team: "acme", token: "ls_session" }),
      expect.objectContaining({ httpOnly: true, sameSite: "strict" }),
    );
  });

  it("gives one answer for a wrong email or password", async () => {
    vi.mocked(signIn).mockResolvedValue(refused(401, "INVALID_CREDENTIALS"));
    expect(await signInWithPassword({}, credentials("ada@example.com", "nope"))).toEqual({
      error: "Wrong email or password. Check both and try again.",
      email: "ada@example.com",
    });
    expect(jar.set).not.toHaveBeenCalled();
  });

  it("says when to retry once attempts are limited", async () => {
    vi.mocked(signIn).mockResolvedValue(refused(429, "RATE_LIMITED", { retry_after: 30 }));
    expect((await signInWithPassword({}, credentials("a@b.co", "pw"))).error).toBe(
      "Too many attempts. Try again in 30 seconds.",
    );
  });

  it("revokes the session it cannot use when the account is in no team", async () => {
    vi.mocked(signIn).mockResolvedValue(answered(signedIn));
    vi.mocked(getMe).mockResolvedValue(answered({ user: signedIn.user, memberships: [] }));

    const state = await signInWithPassword({}, credentials("ada@example.com", "pw"));

    expect(state.error).toContain("not in any team");
    expect(vi.mocked(revokeSession).mock.calls[0][0]).toMatchObject({ auth: "ls_session" });
    expect(jar.set).not.toHaveBeenCalled();
  });
});

describe("signOut", () => {
  it("revokes a person's session at the API before forgetting it", async () => {
    jar.get.mockReturnValue({ value: JSON.stringify({ team: "acme", token: "ls_session" }) });
    vi.mocked(revokeSession).mockResolvedValue(answered(null, 204));

    await expect(signOut()).rejects.toThrow("redirect /sign-in?reason=signed-out");

    expect(vi.mocked(revokeSession).mock.calls[0][0]).toMatchObject({ auth: "ls_session" });
    expect(jar.delete).toHaveBeenCalledWith("looped_session");
  });

  it("only forgets a team key: revoking keys is an admin's decision", async () => {
    jar.get.mockReturnValue({ value: JSON.stringify({ team: "acme", token: "ln_key" }) });

    await expect(signOut()).rejects.toThrow("redirect");

    expect(revokeSession).not.toHaveBeenCalled();
    expect(jar.delete).toHaveBeenCalledWith("looped_session");
  });
});
