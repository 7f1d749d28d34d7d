import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/action-form";
import { AuthPage } from "@/components/auth-page";
import { newPasswordField } from "@/lib/form-state";
import { firstParam } from "@/lib/format";
import { chooseNewPassword } from "./actions";

export const metadata: Metadata = { title: "Choose a new password · Looped Needle" };

export default async function ResetPasswordPage({ searchParams }: PageProps<"/reset-password">) {
  const token = firstParam((await searchParams).token) ?? "";
  return (
    <AuthPage lede="Choose a new password">
      <section className="card">
        {token ? (
          <ActionForm
            id="reset"
            action={chooseNewPassword}
            hidden={{ token }}
            submit="Set the new password"
            fields={[newPasswordField("password", "New password")]}
          />
        ) : (
          <p>
            This page needs the link from the email.{" "}
            <Link href="/forgot-password">Ask for a new one</Link>.
          </p>
        )}
      </section>
    </AuthPage>
  );
}
