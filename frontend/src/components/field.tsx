import type { ReactNode } from "react";

type Props = {
  id: string;
  label: string;
  hint?: string;
  errors?: string[];
  /** Renders the control with the ids it must point at for its hint and errors. */
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
};

/** A label, the control, its hint and the API's messages for it, linked for screen readers. */
export function Field({ id, label, hint, errors = [], children }: Props) {
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="control">
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
      {children(describedBy, errors.length > 0)}
      {errorId && (
        <ul id={errorId} className="field-error">
          {errors.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
