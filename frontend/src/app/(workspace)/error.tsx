"use client";

/** Anything a page did not expect: say so, and offer the one useful action. */
export default function WorkspaceError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="notice notice-bad" role="alert">
      <p className="notice-title">Something went wrong</p>
      <p>This page could not be shown. Try again; if it keeps failing, check the API status.</p>
      <p className="actions">
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
        <a href="/status">API status</a>
      </p>
    </div>
  );
}
