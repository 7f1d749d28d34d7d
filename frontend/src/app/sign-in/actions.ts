"use server";

import { redirect } from "next/navigation";
import {
  type ErrorCode,
  listPosts,
  signOut as revokeSession,
  signIn as startSession,
} from "@/client";
import { formSecret, formText } from "@/lib/form-state";
import { attemptProblem, enterWorkspace } from "@/lib/person-session";
import { describeProblem, settle } from "@/lib/problem";
import { authed, forgetSession, getSession, keepSession } from "@/lib/server-api";
import { isPerson } from "@/lib/session";

export type SignInState = { error?: string; team?: string; email?: string };

const WRONG_PASSWORD = "Wrong email or password. Check both and try again.";
const WRONG_KEY = "Wrong team name or API key. Check both and try again.";
/** What the API answers a wrong key, a team that is not the key's, or a malformed name. */
const WRONG_KEY_CODES: readonly ErrorCode[] = [
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "VALIDATION_ERROR",
];

export async function signInWithPassword(
  _previous: SignInState,
  form: FormData,
): Promise<SignInState> {
  const email = formText(form, "email");
  const password = formSecret(form, "password");
  if (!email || !password) {
    return { error: "Enter your email and password.", email };
  }
  const result = await settle(() => startSession({ body: { email, password }, cache: "no-store" }));
  if (!result.ok) {
    const { problem } = result;
    const wrong =
      problem.kind === "api" && ["INVALID_CREDENTIALS", "VALIDATION_ERROR"].includes(problem.code);
    return { error: wrong ? WRONG_PASSWORD : attemptProblem(problem), email };
  }
  return { error: await enterWorkspace(result.data), email };
}

/**
 * The developer's way in: a team API key. Checked against the API (the smallest
 * read of the team's posts) before it is kept, so a typo is caught here.
 */
export async function signInWithKey(_previous: SignInState, form: FormData): Promise<SignInState> {
  const team = formText(form, "team").toLowerCase();
  const token = formText(form, "key");
  if (!team || !token) {
    return { error: "Enter your team name and API key.", team };
  }
  const result = await settle(() =>
    listPosts({ ...authed({ team, token }), path: { team }, query: { limit: 1 } }),
  );
  if (!result.ok) {
    const { problem } = result;
    const wrongKey = problem.kind === "api" && WRONG_KEY_CODES.includes(problem.code);
    return { error: wrongKey ? WRONG_KEY : describeProblem(problem).message, team };
  }
  await keepSession({ team, token });
  redirect("/posts");
}

/** A person's session is revoked at the API, not only forgotten by this browser. */
export async function signOut(): Promise<void> {
  const session = await getSession();
  if (session && isPerson(session)) {
    await settle(() => revokeSession(authed(session)));
  }
  await forgetSession();
  redirect("/sign-in?reason=signed-out");
}
