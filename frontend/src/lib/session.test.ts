import { describe, expect, it } from "vitest";
import { decodeSession, encodeSession, isPerson } from "./session";

describe("session cookie", () => {
  it("round-trips the team and token", () => {
    const session = { team: "acme", token: "ls_secret" };
    expect(decodeSession(encodeSession(session))).toEqual(session);
  });

  it("treats a missing, malformed, incomplete or older cookie as signed out", () => {
    expect(decodeSession(undefined)).toBeNull();
    expect(decodeSession("not json")).toBeNull();
    expect(decodeSession("null")).toBeNull();
    expect(decodeSession(JSON.stringify({ team: "acme" }))).toBeNull();
    expect(decodeSession(JSON.stringify({ team: "", token: "ls_x" }))).toBeNull();
    expect(decodeSession(JSON.stringify({ team: "acme", key: "ln_x" }))).toBeNull();
  });

  it("tells a person's session from a team API key by the token's prefix", () => {
    expect(isPerson({ team: "acme", token: "ls_abc" })).toBe(true);
    expect(isPerson({ team: "acme", token: "ln_abc" })).toBe(false);
  });
});
