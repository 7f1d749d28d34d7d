import type { Metadata } from "next";
import { previewInvitation } from "@/client";
import { ActionForm } from "@/components/action-form";
import { AuthPage } from "@/components/auth-page";
import { newPasswordField } from "@/lib/form-state";
import { firstParam } from "@/lib/format";
import { describeProblem } from "@/lib/problem";
import { read } from "@/lib/server-api";
import { accept } from "./actions";

export const metadata: Metadata = { title: "Accept an invitation · Looped Needle" };

export default async function InvitePage({ searchParams }: PageProps<"/invite">) {
  const token = firstParam((await searchParams).token) ?? "";
  const preview = token
    ? await read(() => previewInvitation({ body: { token }, cache: "no-store" }))
    : null;
  if (!preview?.ok) {
    const invalid =
      !preview || (preview.problem.kind === "api" && preview.problem.code === "INVITATION_INVALID");
    return (
      <AuthPage lede="Accept an invitation">
        <p className="notice notice-bad" role="alert">
          {invalid || !preview
            ? "This invitation is invalid, used or expired. Ask the team's admin for a new one."
            : describeProblem(preview.problem).message}
        </p>
      </AuthPage>
    );
  }
  const { team, email, role, account_exists: accountExists } = preview.data;
  return (
    <AuthPage lede={`Join ${team} as ${role}`}>
      <section className="card stack">
        <p>
          The invitation is for <strong>{email}</strong>.{" "}
          {accountExists
            ? "Enter that account's password to add the team to it."
            : "Choose your name and a password to create the account."}
        </p>
        <ActionForm
          id="invite"
          action={accept}
          hidden={{ token, team }}
          submit={accountExists ? "Join the team" : "Create account and join"}
          pendingLabel="Joining…"
          fields={
            accountExists
              ? [
                  {
                    name: "password",
                    label: "Password",
                    type: "password",
                    autoComplete: "current-password",
                  },
                ]
              : [
                  { name: "display_name", label: "Your name", autoComplete: "name" },
                  newPasswordField(),
                ]
          }
        />
      </section>
    </AuthPage>
  );
}
