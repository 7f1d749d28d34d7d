import type { Metadata } from "next";
import { listSessions } from "@/client";
import { ActionForm } from "@/components/action-form";
import { PersonOnly } from "@/components/person-only";
import { ProblemView } from "@/components/problem-view";
import { newPasswordField } from "@/lib/form-state";
import { firstParam, formatTime } from "@/lib/format";
import { authed, read, requireViewer } from "@/lib/server-api";
import { endSession, newPassword, rename, signOutEverywhere } from "./actions";

export const metadata: Metadata = { title: "Account · Looped Needle" };

export default async function AccountPage({ searchParams }: PageProps<"/account">) {
  const { session, me } = await requireViewer();
  if (!me) {
    return <PersonOnly title="Account" />;
  }
  const failed = firstParam((await searchParams).failed) === "sign-out-everywhere";
  const sessions = await read(() => listSessions(authed(session)));
  return (
    <div className="stack-lg">
      <h1>Account</h1>
      <p className="muted">
        {me.user.email} · member since {formatTime(me.user.created_at)}
      </p>
      <section className="card" aria-labelledby="name">
        <h2 id="name">Name</h2>
        <ActionForm
          id="name"
          action={rename}
          fields={[
            {
              name: "display_name",
              label: "Display name",
              autoComplete: "name",
              hint: "Shown as the author of your posts and reviews",
              defaultValue: me.user.display_name,
            },
          ]}
          submit="Save name"
        />
      </section>
      <section className="card" aria-labelledby="password">
        <h2 id="password">Password</h2>
        <ActionForm
          id="password"
          action={newPassword}
          fields={[
            {
              name: "current_password",
              label: "Current password",
              type: "password",
              autoComplete: "current-password",
            },
            newPasswordField("new_password", "New password"),
          ]}
          submit="Change password"
        />
      </section>
      <section className="stack" aria-labelledby="sessions">
        <h2 id="sessions">Sessions</h2>
        {failed && (
          <p className="notice notice-bad" role="alert">
            Could not sign out everywhere. Try again.
          </p>
        )}
        {!sessions.ok ? (
          <ProblemView problem={sessions.problem} />
        ) : (
          <ul className="entries">
            {sessions.data.sessions.map((entry) => (
              <li key={entry.id} className="entry">
                <div>
                  <strong>
                    {entry.current ? "This browser" : (entry.user_agent ?? "Unknown")}
                  </strong>
                  <div className="muted small">
                    signed in {formatTime(entry.created_at)} · last seen{" "}
                    {formatTime(entry.last_seen_at)} · expires {formatTime(entry.expires_at)}
                  </div>
                </div>
                {!entry.current && (
                  <ActionForm
                    id={`session-${entry.id}`}
                    action={endSession}
                    hidden={{ session_id: entry.id }}
                    submit="Sign out there"
                    pendingLabel="Signing out…"
                    quiet
                  />
                )}
              </li>
            ))}
          </ul>
        )}
        <form action={signOutEverywhere}>
          <button type="submit" className="button">
            Sign out everywhere
          </button>
        </form>
      </section>
    </div>
  );
}
