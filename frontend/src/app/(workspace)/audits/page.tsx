import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { type AuditPublic, type AuditStatus, listAudits, type ReviewStatus } from "@/client";
import { StatusBadge } from "@/components/audit-view";
import { Pagination } from "@/components/pagination";
import { ProblemView } from "@/components/problem-view";
import { firstParam, formatTime, humanize, pageNumber } from "@/lib/format";
import { authed, read, requireSession } from "@/lib/server-api";

export const metadata: Metadata = { title: "Audits · Looped Needle" };

const PAGE_SIZE = 20;
const STATUSES: AuditStatus[] = ["pending", "running", "completed", "failed"];
const REVIEWS: ReviewStatus[] = ["unreviewed", "accepted", "dismissed"];

/** Only a known value filters; anything else in the address means "all". */
function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | undefined {
  return values.find((candidate) => candidate === value);
}

function Filter({
  name,
  label,
  values,
  value,
}: {
  name: string;
  label: string;
  values: string[];
  value?: string;
}) {
  return (
    <div className="control">
      <label htmlFor={`filter-${name}`}>{label}</label>
      <select id={`filter-${name}`} name={name} defaultValue={value ?? ""}>
        <option value="">All</option>
        {values.map((option) => (
          <option key={option} value={option}>
            {humanize(option)}
          </option>
        ))}
      </select>
    </div>
  );
}

function AuditItem({ audit }: { audit: AuditPublic }) {
  const findings = audit.details?.findings.length;
  return (
    <li className="card">
      <p className="meta">
        <StatusBadge status={audit.status} /> <StatusBadge status={audit.review_status} /> ·{" "}
        <time dateTime={audit.created_at}>{formatTime(audit.created_at)}</time>
      </p>
      <p>
        <Link href={`/audits/${audit.id}`}>
          {audit.details?.summary ?? (audit.post_id ? "Audit of a post" : "Audit of a text")}
        </Link>
      </p>
      {findings !== undefined && (
        <p className="muted">{findings === 1 ? "1 finding" : `${findings} findings`}</p>
      )}
    </li>
  );
}

export default async function AuditsPage({ searchParams }: PageProps<"/audits">) {
  const session = await requireSession();
  const params = await searchParams;
  const status = oneOf(STATUSES, firstParam(params.status));
  const review = oneOf(REVIEWS, firstParam(params.review));
  const page = pageNumber(params.page);
  const result = await read(() =>
    listAudits({
      ...authed(session),
      path: { team: session.team },
      query: {
        limit: PAGE_SIZE,
        offset: (page - 1) * PAGE_SIZE,
        status,
        review_status: review,
      },
    }),
  );

  return (
    <div className="stack-lg">
      <h1>Audits</h1>
      <Form action="/audits" className="filters" aria-label="Filter audits">
        <Filter name="status" label="Status" values={STATUSES} value={status} />
        <Filter name="review" label="Review" values={REVIEWS} value={review} />
        <button type="submit" className="button">
          Apply filters
        </button>
      </Form>
      {!result.ok ? (
        <ProblemView problem={result.problem} />
      ) : result.data.audits.length === 0 ? (
        <p className="empty">
          {status || review
            ? "No audits match these filters."
            : "No audits yet: open a thread and choose “Audit this post”."}
        </p>
      ) : (
        <>
          <p className="muted">{result.data.total} in all</p>
          <ol className="list" aria-label="Audits">
            {result.data.audits.map((audit) => (
              <AuditItem key={audit.id} audit={audit} />
            ))}
          </ol>
          <Pagination
            path="/audits"
            query={{ status, review }}
            page={page}
            pageSize={PAGE_SIZE}
            total={result.data.total}
          />
        </>
      )}
    </div>
  );
}
