"use client";

import { type FormEvent, useState } from "react";
import { createPost } from "@/client";
import { Field } from "@/components/field";
import { ProblemView } from "@/components/problem-view";
import { parseTags } from "@/lib/format";
import { useMutation } from "@/lib/use-api";

type Props = {
  team: string;
  /** Set for a reply: the post it answers. Replies have no tags. */
  parentPostId?: string;
  /**
   * The signed-in person's name: the API records them as the author, so there is
   * no name to type. Absent for a team API key, whose posts name their author.
   */
  author?: string;
};

export function PostForm({ team, parentPostId, author }: Props) {
  const { run, pending, problem } = useMutation();
  const [done, setDone] = useState("");
  const isReply = parentPostId !== undefined;
  const id = (name: string) => `${isReply ? "reply" : "post"}-${name}`;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setDone("");
    await run(
      () =>
        createPost({
          path: { team },
          body: {
            ...(author === undefined ? { author_name: String(data.get("author_name") ?? "") } : {}),
            content: String(data.get("content") ?? ""),
            ...(isReply
              ? { parent_post_id: parentPostId }
              : { tags: parseTags(String(data.get("tags") ?? "")) }),
          },
        }),
      () => {
        // The author is likely to post again; only the text is cleared.
        for (const name of ["content", "tags"]) {
          const input = form.elements.namedItem(name);
          if (input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement) {
            input.value = "";
          }
        }
        setDone(isReply ? "Reply posted." : "Post published.");
      },
    );
  }

  const fields = problem?.kind === "api" ? problem.fields : {};
  const fieldNames = ["author_name", "content", "tags"];
  // A problem the fields cannot show (rate limit, network) is shown above them.
  const general = problem && !fieldNames.some((name) => fields[name]) ? problem : null;

  return (
    <form onSubmit={submit} className="stack">
      {general && <ProblemView problem={general} />}
      {author === undefined ? (
        <Field id={id("author")} label="Your name" errors={fields.author_name}>
          {(describedBy, invalid) => (
            <input
              id={id("author")}
              name="author_name"
              required
              autoComplete="name"
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
      ) : (
        <p className="muted small">
          Posting as <strong>{author}</strong>
        </p>
      )}
      <Field id={id("content")} label={isReply ? "Reply" : "Message"} errors={fields.content}>
        {(describedBy, invalid) => (
          <textarea
            id={id("content")}
            name="content"
            required
            rows={isReply ? 3 : 4}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
          />
        )}
      </Field>
      {!isReply && (
        <Field
          id={id("tags")}
          label="Tags"
          hint="Optional, separated by commas, e.g. release, ops"
          errors={fields.tags}
        >
          {(describedBy, invalid) => (
            <input
              id={id("tags")}
              name="tags"
              autoCapitalize="none"
              spellCheck={false}
              aria-describedby={describedBy}
              aria-invalid={invalid || undefined}
            />
          )}
        </Field>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Sending…" : isReply ? "Post reply" : "Publish post"}
        </button>
        <output className="muted" aria-live="polite">
          {done}
        </output>
      </div>
    </form>
  );
}
