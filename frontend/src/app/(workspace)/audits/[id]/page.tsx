import type { Metadata } from "next";
import Link from "next/link";
import { getAudit } from "@/client";
import { AuditView } from "@/components/audit-view";
import { ProblemView } from "@/components/problem-view";
import { ReviewForm } from "@/components/review-form";
import { formatTime } from "@/lib/format";
import { authed, read, requireSession } from "@/lib/server-api";

export const metadata: Metadata = { title: "Audit · Looped Needle" };

export default async function AuditPage({ params }: PageProps<"/audits/[id]">) {
  const session = await requireSession();
  const { id } = await params;
  const result = await read(() =>
    getAudit({ ...authed(session), path: { team: session.team, audit_id: id } }),
  );
  const back = (
    <p>
      <Link href="/audits">← All audits</Link>
    </p>
  );
  if (!result.ok) {
    return (
      <div className="stack">
        {back}
        <h1>Audit</h1>
        <ProblemView problem={result.problem} />
      </div>
    );
  }
  const { audit } = result.data;

  return (
    <div className="stack-lg">
      {back}
      <section className="card stack" aria-labelledby="audit-heading">
        <h1 id="audit-heading">Audit</h1>
        <p className="meta">
          Requested <time dateTime={audit.created_at}>{formatTime(audit.created_at)}</time>
          {audit.post_id && (
            <>
              {" "}
              · <Link href={`/posts/${audit.post_id}`}>Open the audited thread</Link>
            </>
          )}
        </p>
        {audit.content && <blockquote>{audit.content}</blockquote>}
        <AuditView team={session.team} audit={audit} />
      </section>
      {audit.status === "completed" && (
        <section className="card stack" aria-labelledby="review-heading">
          <h2 id="review-heading">Your review</h2>
          {audit.review_note && (
            <p>
              Note: <q>{audit.review_note}</q>
            </p>
          )}
          <ReviewForm team={session.team} audit={audit} />
        </section>
      )}
    </div>
  );
}
