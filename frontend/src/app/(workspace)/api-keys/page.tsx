import type { Metadata } from "next";
import { listApiKeys } from "@/client";
import { ActionForm } from "@/components/action-form";
import { ProblemView } from "@/components/problem-view";
import { formatTime } from "@/lib/format";
import { authed, read, requireViewer } from "@/lib/server-api";
import { createKey, revokeKey } from "./actions";

export const metadata: Metadata = { title: "API keys · Looped Needle" };

/** The API decides who may see keys (admins and owners); a refusal is shown as such. */
export default async function ApiKeysPage() {
  const { session } = await requireViewer();
  const keys = await read(() => listApiKeys({ ...authed(session), path: { team: session.team } }));
  return (
    <div className="stack-lg">
      <h1>API keys of {session.team}</h1>
      {!keys.ok ? (
        <ProblemView problem={keys.problem} />
      ) : (
        <>
          <section className="card" aria-labelledby="new-key">
            <h2 id="new-key">New key</h2>
            <p className="muted small">
              A key acts for the whole team, for scripts and other machines: send it as{" "}
              <code>Authorization: Bearer …</code>.
            </p>
            <ActionForm
              id="new-key"
              action={createKey}
              fields={[{ name: "name", label: "Name", hint: "A label for people, e.g. ci" }]}
              submit="Create key"
              pendingLabel="Creating…"
            />
          </section>
          <section className="stack" aria-labelledby="keys">
            <h2 id="keys">Keys</h2>
            <ul className="entries">
              {keys.data.api_keys.map((key) => (
                <li key={key.id} className="entry">
                  <div>
                    <strong>{key.name}</strong> <code>{key.prefix}…</code>
                    <div className="muted small">
                      created {formatTime(key.created_at)} ·{" "}
                      {key.last_used_at
                        ? `last used ${formatTime(key.last_used_at)}`
                        : "never used"}
                      {key.revoked_at && ` · revoked ${formatTime(key.revoked_at)}`}
                    </div>
                  </div>
                  {!key.revoked_at && (
                    <ActionForm
                      id={`revoke-${key.id}`}
                      action={revokeKey}
                      hidden={{ key_id: key.id }}
                      submit={`Revoke ${key.name}`}
                      pendingLabel="Revoking…"
                      quiet
                    />
                  )}
                </li>
              ))}
            </ul>
          </section>
        </>
      )}
    </div>
  );
}
