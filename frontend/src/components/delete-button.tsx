"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { deletePost } from "@/client";
import { ProblemView } from "@/components/problem-view";
import { useMutation } from "@/lib/use-api";

type Props = {
  team: string;
  postId: string;
  /** "post" leaves the thread after deleting; "reply" stays on it. */
  kind: "post" | "reply";
};

/** Two steps, so a stray click or keypress never deletes anything. */
export function DeleteButton({ team, postId, kind }: Props) {
  const router = useRouter();
  const { run, pending, problem } = useMutation();
  const [confirming, setConfirming] = useState(false);
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
    await run(
      () => deletePost({ path: { team, post_id: postId } }),
      () => {
        if (kind === "post") {
          router.push("/posts");
        }
      },
    );
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
