import type { Metadata } from "next";
import { ActionForm } from "@/components/action-form";
import { AuthPage } from "@/components/auth-page";
import { newPasswordField } from "@/lib/form-state";
import { signUp } from "./actions";

export const metadata: Metadata = { title: "Create an account · Looped Needle" };

export default function SignUpPage() {
  return (
    <AuthPage lede="Create an account and a team you own">
      <section className="card">
        <ActionForm
          id="sign-up"
          action={signUp}
          submit="Create account"
          pendingLabel="Creating…"
          fields={[
            { name: "display_name", label: "Your name", autoComplete: "name" },
            { name: "email", label: "Email", type: "email", autoComplete: "email" },
            newPasswordField(),
            {
              name: "team",
              label: "Team name",
              hint: "1–64 characters: a–z, 0–9 and -",
              autoComplete: "off",
            },
          ]}
        />
      </section>
    </AuthPage>
  );
}
