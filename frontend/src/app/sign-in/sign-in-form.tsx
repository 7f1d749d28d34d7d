"use client";

import { useActionState } from "react";
import { type SignInState, signIn } from "./actions";

export function SignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, {});
  return (
    <form action={action} className="stack">
      {state.error && (
        <p id="sign-in-error" className="notice notice-bad" role="alert">
          {state.error}
        </p>
      )}
      <div className="control">
        <label htmlFor="team">Team name</label>
        <input
          id="team"
          name="team"
          required
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          defaultValue={state.team}
        />
      </div>
      <div className="control">
        <label htmlFor="key">API key</label>
        <input id="key" name="key" type="password" required autoComplete="current-password" />
      </div>
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
