"use server";

import { requestPasswordReset } from "@/client";
import { type FormState, formText, refusedForm } from "@/lib/form-state";
import { attemptProblem } from "@/lib/person-session";
import { settle } from "@/lib/problem";

/** The answer is the same whether or not the email has an account. */
export async function askForReset(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await settle(() =>
    requestPasswordReset({ body: { email: formText(form, "email") }, cache: "no-store" }),
  );
  if (!result.ok) {
    return refusedForm(result.problem, attemptProblem(result.problem));
  }
  return {
    done: "If an account uses that email, a link to reset its password is on its way.",
  };
}
