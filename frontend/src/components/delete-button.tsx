"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { deletePost } from "@/client";
import { ProblemView } from "@/components/problem-view";
import type { ApiProblem } from "@/lib/problem";
import { useApi } from "@/lib/use-api";

type Props = {
  team: string;
  postId: string;
  /** "post" leaves the thread after deleting; "reply" stays on it. */
  kind: "post" | "reply";
};

/** Two steps, so a stray click or keypress never deletes anything. */
export function DeleteButton({ team, postId, kind }: Props) {
  const api = useApi();
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const openRef = useRef<HTMLButtonElement>(null);
  const wasConfirming = useRef(false);

  // Focus follows the question: onto its safe answer, then back to the trigger.
  useEffect(() => {
    if (confirming) {
      cancelRef.current?.focus();
    } else if (wasConfirming.current) {
      openRef.current?.focus();
    }
    wasConfirming.current = confirming;
  }, [confirming]);

  async function confirm() {
    setPending(true);
    const result = await api(() => deletePost({ path: { team, post_id: postId } }));
    setPending(false);
    if (!result.ok) {
      setProblem(result.problem);
      return;
    }
    if (kind === "post") {
      router.push("/posts");
    }
    router.refresh();
  }

  if (!confirming) {
    return (
      <button
        ref={openRef}
        type="button"
        className="button button-quiet"
        onClick={() => setConfirming(true)}
      >
        Delete {kind}
      </button>
    );
  }
  return (
    <fieldset className="confirm">
      <legend>Delete this {kind}? This cannot be undone.</legend>
      {problem && <ProblemView problem={problem} />}
      <button type="button" className="button button-danger" onClick={confirm} disabled={pending}>
        {pending ? "Deleting…" : "Yes, delete"}
      </button>
      <button ref={cancelRef} type="button" className="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </fieldset>
  );
}
