import { describe, expect, it } from "vitest";
import { decodeSession, encodeSession } from "./session";

describe("session cookie", () => {
  it("round-trips the team and key", () => {
    const session = { team: "acme", key: "ln_secret" };
    expect(decodeSession(encodeSession(session))).toEqual(session);
  });

  it("treats a missing, malformed or incomplete cookie as signed out", () => {
    expect(decodeSession(undefined)).toBeNull();
    expect(decodeSession("not json")).toBeNull();
    expect(decodeSession("null")).toBeNull();
    expect(decodeSession(JSON.stringify({ team: "acme" }))).toBeNull();
    expect(decodeSession(JSON.stringify({ team: "", key: "ln_x" }))).toBeNull();
  });
});
