"use server";

import { redirect } from "next/navigation";
import { resetPassword } from "@/client";
import { type FormState, formSecret, formText, refusedForm } from "@/lib/form-state";
import { settle } from "@/lib/problem";
import { forgetSession } from "@/lib/server-api";

const INVALID = "This link is invalid, used or expired. Ask for a new one.";

/** Every session of the account ends, this browser's included. */
export async function chooseNewPassword(_previous: FormState, form: FormData): Promise<FormState> {
  const result = await settle(() =>
    resetPassword({
      body: { token: formText(form, "token"), password: formSecret(form, "password") },
      cache: "no-store",
    }),
  );
  if (!result.ok) {
    const { problem } = result;
    const invalid = problem.kind === "api" && problem.code === "RESET_INVALID";
    return invalid ? { error: INVALID } : refusedForm(problem);
  }
  await forgetSession();
  redirect("/sign-in?reason=reset");
}
