import type { Metadata } from "next";
import { ActionForm } from "@/components/action-form";
import { AuthPage } from "@/components/auth-page";
import { askForReset } from "./actions";

export const metadata: Metadata = { title: "Forgot your password · Looped Needle" };

export default function ForgotPasswordPage() {
  return (
    <AuthPage lede="We email you a link to choose a new password">
      <section className="card">
        <ActionForm
          id="forgot"
          action={askForReset}
          submit="Email me a link"
          pendingLabel="Sending…"
          fields={[{ name: "email", label: "Email", type: "email", autoComplete: "email" }]}
        />
      </section>
    </AuthPage>
  );
}
