"use server";

import { signUp as createAccount } from "@/client";
import { type FormState, formSecret, formText, refusedForm } from "@/lib/form-state";
import { attemptProblem, enterWorkspace } from "@/lib/person-session";
import { settle } from "@/lib/problem";

const CLOSED = "Sign-up is by invitation only on this server. Ask a team's admin to invite you.";

/** A new account and a new team it owns, signed in on success. */
export async function signUp(_previous: FormState, form: FormData): Promise<FormState> {
  const team = formText(form, "team").toLowerCase();
  const result = await settle(() =>
    createAccount({
      body: {
        email: formText(form, "email"),
        display_name: formText(form, "display_name"),
        password: formSecret(form, "password"),
        team,
      },
      cache: "no-store",
    }),
  );
  if (!result.ok) {
    const { problem } = result;
    if (problem.kind === "api" && problem.code === "SIGNUP_CLOSED") {
      return { error: CLOSED };
    }
    return refusedForm(problem, attemptProblem(problem));
  }
  return { error: await enterWorkspace(result.data, team) };
}
