"use server";

import { redirect } from "next/navigation";
import { changePassword, revokeAllSessions, revokeSession, updateMe } from "@/client";
import { type FormState, formSecret, formText, refusedForm } from "@/lib/form-state";
import { authed, forgetSession, requireSession, submit, write } from "@/lib/server-api";

const PAGE = "/account";

export async function rename(_previous: FormState, form: FormData): Promise<FormState> {
  return submit(PAGE, "Name saved.", (session) =>
    updateMe({ ...authed(session), body: { display_name: formText(form, "display_name") } }),
  );
}

export async function newPassword(_previous: FormState, form: FormData): Promise<FormState> {
  const session = await requireSession();
  const result = await write(PAGE, () =>
    changePassword({
      ...authed(session),
      body: {
        current_password: formSecret(form, "current_password"),
        new_password: formSecret(form, "new_password"),
      },
    }),
  );
  if (!result.ok) {
    const { problem } = result;
    if (problem.kind === "api" && problem.code === "WRONG_PASSWORD") {
      return { fields: { current_password: ["That is not your current password."] } };
    }
    return refusedForm(problem);
  }
  return { done: "Password changed. Your other sessions are signed out." };
}

export async function endSession(_previous: FormState, form: FormData): Promise<FormState> {
  return submit(PAGE, "Signed out there.", (session) =>
    revokeSession({ ...authed(session), path: { session_id: formText(form, "session_id") } }),
  );
}

/** Every session of the account, this browser's included. */
export async function signOutEverywhere(): Promise<void> {
  const session = await requireSession();
  const result = await write(PAGE, () => revokeAllSessions(authed(session)));
  if (result.ok) {
    await forgetSession();
    redirect("/sign-in?reason=signed-out");
  }
  redirect("/account?failed=sign-out-everywhere");
}
