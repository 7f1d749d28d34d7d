"use client";

import { useActionState } from "react";
import { Field } from "@/components/field";
import type { FieldSpec, FormState } from "@/lib/form-state";

type Props = {
  /** Gives each control a unique id when a page has several forms. */
  id: string;
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  fields?: FieldSpec[];
  /** Sent along unseen, e.g. the token from an emailed link. */
  hidden?: Record<string, string>;
  submit: string;
  pendingLabel?: string;
  quiet?: boolean;
};

/**
 * A form posted to a server action: the action's answer shows as one alert, as
 * messages under the fields it names, as a note of what was done, or as a secret
 * shown this once. Without JavaScript it still posts.
 */
export function ActionForm({
  id,
  action,
  fields = [],
  hidden = {},
  submit,
  pendingLabel = "Saving…",
  quiet = false,
}: Props) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(action, {});
  const errors = state.fields ?? {};
  const named = new Set(fields.map((field) => field.name));
  // Field messages for a field this form does not show go in the general alert.
  const unplaced = Object.entries(errors).filter(([name]) => !named.has(name));
  const general = [state.error, ...unplaced.flatMap(([, messages]) => messages)].filter(Boolean);
  return (
    <form action={formAction} className="stack">
      {general.length > 0 && (
        <div className="notice notice-bad" role="alert">
          {general.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {fields.map((field) => {
        const controlId = `${id}-${field.name}`;
        return (
          <Field
            key={field.name}
            id={controlId}
            label={field.label}
            hint={field.hint}
            errors={errors[field.name]}
          >
            {(describedBy, invalid) =>
              field.options ? (
                <select
                  id={controlId}
                  name={field.name}
                  defaultValue={field.defaultValue}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                >
                  {Object.entries(field.options).map(([value, label]) => (
                    <option key={value} value={value}>
                      {label}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={controlId}
                  name={field.name}
                  type={field.type ?? "text"}
                  required={!field.optional}
                  autoComplete={field.autoComplete}
                  defaultValue={field.defaultValue}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                />
              )
            }
          </Field>
        );
      })}
      <div className="actions">
        <button
          type="submit"
          className={quiet ? "button" : "button button-primary"}
          disabled={pending}
        >
          {pending ? pendingLabel : submit}
        </button>
        <output className="muted" aria-live="polite">
          {state.done}
        </output>
      </div>
      {state.secret && (
        <div className="notice notice-ok" role="status">
          <p className="notice-title">{state.secret.label}</p>
          <p>
            <code className="secret">{state.secret.value}</code>
          </p>
          <p className="small">It is shown only this once: copy it now.</p>
        </div>
      )}
    </form>
  );
}
