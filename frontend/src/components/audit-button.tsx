"use client";

import { createAudit } from "@/client";
import { ProblemView } from "@/components/problem-view";
import { useMutation } from "@/lib/use-api";

/** Queues a review of the post and its replies; the page then follows the audit. */
export function AuditButton({ team, postId }: { team: string; postId: string }) {
  const { run, pending, problem } = useMutation();

  async function start() {
    await run(() =>
      createAudit({ path: { team }, body: { post_id: postId, include_replies: true } }),
    );
  }

  return (
    <div className="stack">
      <div>
        <button type="button" className="button button-primary" onClick={start} disabled={pending}>
          {pending ? "Queueing…" : "Audit this post"}
        </button>
      </div>
      {problem && <ProblemView problem={problem} />}
    </div>
  );
}
