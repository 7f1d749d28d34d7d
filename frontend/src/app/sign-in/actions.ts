"use server";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { type ErrorCode, listPosts } from "@/client";
import { describeProblem, settle } from "@/lib/problem";
import { authed } from "@/lib/server-api";
import { encodeSession, SESSION_COOKIE } from "@/lib/session";

export type SignInState = { error?: string; team?: string };

const WRONG_KEY = "Wrong team name or API key. Check both and try again.";

/** What the API answers a wrong key, a team that is not the key's, or a malformed name. */
const WRONG_KEY_CODES: readonly ErrorCode[] = [
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "VALIDATION_ERROR",
];

/**
 * Checks the key against the API (the smallest read of the team's posts) before
 * keeping it, so a typo is caught here rather than on the next page.
 */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const team = String(form.get("team") ?? "")
    .trim()
    .toLowerCase();
  const key = String(form.get("key") ?? "").trim();
  if (!team || !key) {
    return { error: "Enter your team name and API key.", team };
  }
  const result = await settle(() =>
    listPosts({ ...authed({ team, key }), path: { team }, query: { limit: 1 } }),
  );
  if (!result.ok) {
    const { problem } = result;
    const wrongKey = problem.kind === "api" && WRONG_KEY_CODES.includes(problem.code);
    return { error: wrongKey ? WRONG_KEY : describeProblem(problem).message, team };
  }
  const secure = (await headers()).get("x-forwarded-proto") === "https";
  (await cookies()).set(SESSION_COOKIE, encodeSession({ team, key }), {
    httpOnly: true,
    sameSite: "strict",
    secure,
    path: "/",
  });
  redirect("/posts");
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
  redirect("/sign-in?reason=signed-out");
}
