"use client";

import { useActionState } from "react";
import { type SignInState, signInWithKey, signInWithPassword } from "./actions";

function Failure({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={id} className="notice notice-bad" role="alert">
      {error}
    </p>
  ) : null;
}

export function PasswordSignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInWithPassword, {});
  return (
    <form action={action} className="stack">
      <Failure id="sign-in-error" error={state.error} />
      <div className="control">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          name="email"
          type="email"
          required
          autoComplete="username"
          defaultValue={state.email}
        />
      </div>
      <div className="control">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          required
          autoComplete="current-password"
        />
      </div>
      <button type="submit" className="button button-primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

/** For developers and scripts' owners: the team's API key, no account needed. */
export function KeySignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInWithKey, {});
  return (
    <form action={action} className="stack">
      <Failure id="key-sign-in-error" error={state.error} />
      <div className="control">
        <label htmlFor="team">Team name</label>
        <input
          id="team"
          name="team"
          required
          autoCapitalize="none"
          spellCheck={false}
          defaultValue={state.team}
        />
      </div>
      <div className="control">
        <label htmlFor="key">API key</label>
        <input id="key" name="key" type="password" required autoComplete="off" />
      </div>
      <button type="submit" className="button" disabled={pending}>
        {pending ? "Signing in…" : "Sign in with the key"}
      </button>
    </form>
  );
}
