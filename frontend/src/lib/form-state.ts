import { describeProblem, type Problem } from "@/lib/problem";

/**
 * What a form's server action answers: why it failed (as a whole, or field by
 * field as the API's 422 says), what it did, and a secret to show once.
 */
export type FormState = {
  error?: string;
  fields?: Record<string, string[]>;
  done?: string;
  secret?: { label: string; value: string };
};

export type FieldSpec = {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  hint?: string;
  defaultValue?: string;
  optional?: boolean;
  /** A choice instead of a text box: value → label. */
  options?: Record<string, string>;
};

/** A new password, as the API accepts it. */
export function newPasswordField(name = "password", label = "Password"): FieldSpec {
  return {
    name,
    label,
    type: "password",
    autoComplete: "new-password",
    hint: "At least 10 characters",
  };
}

/** A refused write in the form's terms: the fields it names, else one message. */
export function refusedForm(problem: Problem, message?: string): FormState {
  if (problem.kind === "api" && Object.keys(problem.fields).length > 0) {
    return { fields: problem.fields };
  }
  return { error: message ?? describeProblem(problem).message };
}

/** A password as typed: its spaces are part of it. A file or a missing field is empty. */
export function formSecret(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** The text of one submitted field, trimmed; a file or a missing field is empty. */
export function formText(form: FormData, name: string): string {
  return formSecret(form, name).trim();
}
