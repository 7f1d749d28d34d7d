import type { AuditPublic, Finding } from "@/client";
import { AuditLive } from "@/components/audit-live";
import { TagList } from "@/components/tag-list";
import { groupBySeverity, humanize } from "@/lib/format";

const STATUS_TEXT: Record<AuditPublic["status"], string> = {
  pending: "Pending: waiting for the reviewer. The findings will appear here.",
  running: "Running: the AI is reviewing the post. The findings will appear here.",
  completed: "Completed: the review is below.",
  failed: "Failed: the review could not be made.",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status}`}>{humanize(status)}</span>;
}

function FindingItem({ finding }: { finding: Finding }) {
  return (
    <li className="finding">
      <p className="finding-head">
        <span className={`badge badge-${finding.severity}`}>{humanize(finding.severity)}</span>{" "}
        <strong>{humanize(finding.category)}</strong>
      </p>
      <blockquote>{finding.evidence}</blockquote>
      <p>{finding.explanation}</p>
    </li>
  );
}

function Findings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) {
    return <p className="notice notice-ok">No concerns found.</p>;
  }
  return (
    <div className="stack">
      {groupBySeverity(findings).map(([severity, group]) => (
        <section key={severity} aria-labelledby={`severity-${severity}`}>
          <h4 id={`severity-${severity}`} className="severity-heading">
            {humanize(severity)} ({group.length})
          </h4>
          <ul className="list">
            {group.map((finding) => (
              <FindingItem key={`${finding.category}:${finding.evidence}`} finding={finding} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

/** An audit in any state; while it is open, its live changes bring the page up to date. */
export function AuditView({ team, audit }: { team: string; audit: AuditPublic }) {
  const open = audit.status === "pending" || audit.status === "running";
  return (
    <div className="stack audit">
      <p className="meta">
        <StatusBadge status={audit.status} /> <StatusBadge status={audit.review_status} />
      </p>
      <p role="status">{STATUS_TEXT[audit.status]}</p>
      {audit.status === "failed" && audit.error && (
        <p className="notice notice-bad">
          {audit.error.message} (<code>{audit.error.code}</code>)
        </p>
      )}
      {open && (
        <AuditLive
          team={team}
          auditId={audit.id}
          status={audit.status}
          updatedAt={audit.updated_at}
        />
      )}
      {audit.details && (
        <>
          <h3>Summary</h3>
          <p>{audit.details.summary}</p>
          <TagList tags={audit.details.suggested_tags} label="Suggested tags" />
          <h3>Findings</h3>
          <Findings findings={audit.details.findings} />
        </>
      )}
    </div>
  );
}
