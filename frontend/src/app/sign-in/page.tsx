import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { firstParam } from "@/lib/format";
import { getSession } from "@/lib/server-api";
import { KeySignInForm, PasswordSignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in · Looped Needle" };

const REASONS: Record<string, string> = {
  expired: "Your session has ended or your API key is no longer valid. Sign in again.",
  "signed-out": "You are signed out.",
  reset: "Your password is changed and every session is signed out. Sign in with the new one.",
};

export default async function SignInPage({ searchParams }: PageProps<"/sign-in">) {
  const reason = REASONS[firstParam((await searchParams).reason) ?? ""];
  // Signed in already: straight to work. With a reason (a refused token), show the form.
  if (!reason && (await getSession())) {
    redirect("/posts");
  }
  return (
    <main id="main" className="page page-narrow stack">
      <header className="masthead">
        <h1>Looped Needle</h1>
        <p className="lede">Sign in to your team's workspace</p>
      </header>
      {reason && (
        <p className="notice notice-warn" role="status">
          {reason}
        </p>
      )}
      <section className="card stack">
        <PasswordSignInForm />
        <p className="small">
          <Link href="/forgot-password">Forgot your password?</Link> ·{" "}
          <Link href="/sign-up">Create an account</Link>
        </p>
      </section>
      <details className="card">
        <summary>Developers: sign in with a team API key</summary>
        <p className="muted small">
          A team key acts for the whole team, not for you: posts need an author name, and members,
          keys and your account are not available.
        </p>
        <KeySignInForm />
      </details>
      <p className="muted small">
        You stay signed in with a secure cookie on this site only.{" "}
        <Link href="/status">API status</Link>
      </p>
    </main>
  );
}
