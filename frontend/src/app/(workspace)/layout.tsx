import Link from "next/link";
import type { ReactNode } from "react";
import { signOut } from "@/app/sign-in/actions";
import { NavLinks } from "@/components/nav-links";
import { requireSession } from "@/lib/server-api";

export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const session = await requireSession();
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/posts" className="brand">
          Looped Needle
        </Link>
        <NavLinks />
        <div className="who">
          <span>
            Team <strong>{session.team}</strong>
          </span>
          <form action={signOut}>
            <button type="submit" className="button button-quiet">
              Sign out
            </button>
          </form>
        </div>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}
