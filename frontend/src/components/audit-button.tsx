"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { createAudit } from "@/client";
import { ProblemView } from "@/components/problem-view";
import type { ApiProblem } from "@/lib/problem";
import { useApi } from "@/lib/use-api";

/** Queues a review of the post and its replies; the page then follows the audit. */
export function AuditButton({ team, postId }: { team: string; postId: string }) {
  const api = useApi();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  async function start() {
    setPending(true);
    const result = await api(() =>
      createAudit({ path: { team }, body: { post_id: postId, include_replies: true } }),
    );
    setPending(false);
    setProblem(result.ok ? null : result.problem);
    if (result.ok) {
      router.refresh();
    }
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
