import Link from "next/link";
import type { ReactNode } from "react";

/** The frame of the pages a signed-out person sees. */
export function AuthPage({ lede, children }: { lede: string; children: ReactNode }) {
  return (
    <main id="main" className="page page-narrow stack">
      <header className="masthead">
        <h1>Looped Needle</h1>
        <p className="lede">{lede}</p>
      </header>
      {children}
      <p className="muted small">
        <Link href="/sign-in">Sign in</Link> · <Link href="/status">API status</Link>
      </p>
    </main>
  );
}
