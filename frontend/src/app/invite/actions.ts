"use server";

import { acceptInvitation } from "@/client";
import { type FormState, formSecret, formText, refusedForm } from "@/lib/form-state";
import { attemptProblem, enterWorkspace } from "@/lib/person-session";
import { settle } from "@/lib/problem";

/** Joins the invited team, creating the account first when there is none. */
export async function accept(_previous: FormState, form: FormData): Promise<FormState> {
  const displayName = formText(form, "display_name");
  const result = await settle(() =>
    acceptInvitation({
      body: {
        token: formText(form, "token"),
        password: formSecret(form, "password"),
        ...(displayName ? { display_name: displayName } : {}),
      },
      cache: "no-store",
    }),
  );
  if (!result.ok) {
    const { problem } = result;
    if (problem.kind === "api" && problem.code === "INVITATION_INVALID") {
      return { error: "This invitation is invalid, used or expired. Ask for a new one." };
    }
    if (problem.kind === "api" && problem.code === "INVALID_CREDENTIALS") {
      return { fields: { password: ["Wrong password for this account."] } };
    }
    return refusedForm(problem, attemptProblem(problem));
  }
  return { error: await enterWorkspace(result.data, formText(form, "team")) };
}
