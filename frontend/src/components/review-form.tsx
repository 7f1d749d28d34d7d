"use client";

import { type FormEvent, useState } from "react";
import { type AuditPublic, type ReviewStatus, reviewAudit } from "@/client";
import { Field } from "@/components/field";
import { ProblemView } from "@/components/problem-view";
import { useMutation } from "@/lib/use-api";

const DECISIONS: { value: ReviewStatus; label: string; className: string }[] = [
  { value: "accepted", label: "Accept findings", className: "button button-primary" },
  { value: "dismissed", label: "Dismiss findings", className: "button" },
];

/** A person's verdict on a completed audit, with an optional note. */
export function ReviewForm({ team, audit }: { team: string; audit: AuditPublic }) {
  const { run, pending, problem } = useMutation();
  const [saved, setSaved] = useState("");

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const decision = submitter instanceof HTMLButtonElement ? submitter.value : "";
    const note = String(new FormData(event.currentTarget).get("note") ?? "").trim();
    await run(
      () =>
        reviewAudit({
          path: { team, audit_id: audit.id },
          body: { review_status: decision as ReviewStatus, review_note: note || null },
        }),
      (data) => setSaved(`Saved: ${data.audit.review_status}.`),
    );
  }

  return (
    <form onSubmit={submit} className="stack">
      {problem && <ProblemView problem={problem} />}
      <Field id="review-note" label="Note" hint="Optional: why you accept or dismiss the findings">
        {(describedBy) => (
          <textarea
            id="review-note"
            name="note"
            rows={3}
            defaultValue={audit.review_note ?? ""}
            aria-describedby={describedBy}
          />
        )}
      </Field>
      <div className="actions">
        {DECISIONS.map(({ value, label, className }) => (
          <button
            key={value}
            type="submit"
            name="decision"
            value={value}
            className={className}
            disabled={pending}
          >
            {label}
          </button>
        ))}
        <output className="muted" aria-live="polite">
          {saved}
        </output>
      </div>
    </form>
  );
}
