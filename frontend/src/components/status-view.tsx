import type { ReactNode } from "react";
import { type Problem, problemReference, type Result } from "@/lib/problem";
import { formatLatency, type SystemStatus } from "@/lib/status";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="field">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Badge({ ok, children }: { ok: boolean; children: ReactNode }) {
  return <span className={ok ? "badge badge-ok" : "badge badge-bad"}>{children}</span>;
}

function ProblemFields({ problem }: { problem: Problem }) {
  const reference = problemReference(problem);
  return (
    <>
      <Field label="Status">
        <Badge ok={false}>{problem.kind === "unreachable" ? "unreachable" : "error"}</Badge>
      </Field>
      <Field label="Error">{problem.error}</Field>
      {reference && (
        <Field label={reference.label}>
          <code>{reference.value}</code>
        </Field>
      )}
    </>
  );
}

function Card<T>({
  id,
  title,
  check,
  children,
}: {
  id: string;
  title: string;
  check: Result<T>;
  children: (data: T) => ReactNode;
}) {
  return (
    <section className="card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <dl>{check.ok ? children(check.data) : <ProblemFields problem={check.problem} />}</dl>
    </section>
  );
}

export function StatusView({ status, checkedAt }: { status: SystemStatus; checkedAt: Date }) {
  const healthy = status.api.ok && status.database.ok;
  return (
    <main className="page">
      <header className="masthead">
        <h1>Looped Needle</h1>
        <p className="lede">System status</p>
      </header>
      <p className={healthy ? "summary summary-ok" : "summary summary-bad"} role="status">
        {healthy ? "All systems operational" : "Some checks are failing"}
      </p>
      <div className="cards">
        <Card id="api-heading" title="API" check={status.api}>
          {(api) => (
            <>
              {/* The schema defaults status to "ok", so an absent field means ok. */}
              <Field label="Status">
                <Badge ok>{api.status ?? "ok"}</Badge>
              </Field>
              <Field label="Build">
                <code>{api.buildSha}</code>
              </Field>
            </>
          )}
        </Card>
        <Card id="database-heading" title="Database" check={status.database}>
          {(db) => (
            <>
              <Field label="Status">
                <Badge ok>{db.database ?? "ok"}</Badge>
              </Field>
              <Field label="Latency">{formatLatency(db.latency_ms)}</Field>
              <Field label="Migration revision">
                {db.revision === null ? "none applied" : <code>{db.revision}</code>}
              </Field>
            </>
          )}
        </Card>
      </div>
      <p className="checked">
        Checked <time dateTime={checkedAt.toISOString()}>{checkedAt.toUTCString()}</time>
      </p>
    </main>
  );
}
