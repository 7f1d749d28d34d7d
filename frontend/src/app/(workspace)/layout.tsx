import Link from "next/link";
import type { ReactNode } from "react";
import { switchTeam } from "@/app/(workspace)/actions";
import { signOut } from "@/app/sign-in/actions";
import { NavLinks } from "@/components/nav-links";
import { managesTeam, requireViewer } from "@/lib/server-api";

const WORK_LINKS = [
  { href: "/posts", label: "Posts" },
  { href: "/audits", label: "Audits" },
  { href: "/usage", label: "Usage" },
];

export default async function WorkspaceLayout({ children }: { children: ReactNode }) {
  const { session, me, role } = await requireViewer();
  const links = [
    ...WORK_LINKS,
    ...(me ? [{ href: "/members", label: "Members" }] : []),
    ...(managesTeam(role) ? [{ href: "/api-keys", label: "API keys" }] : []),
    ...(me ? [{ href: "/account", label: "Account" }] : []),
  ];
  const teams = me?.memberships.map((membership) => membership.team.name) ?? [];
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="site-header">
        <Link href="/posts" className="brand">
          Looped Needle
        </Link>
        <NavLinks links={links} />
        <div className="who">
          {teams.length > 1 ? (
            <form action={switchTeam} className="team-switcher">
              <label htmlFor="team-switcher">Team</label>
              <select id="team-switcher" name="team" defaultValue={session.team}>
                {teams.map((team) => (
                  <option key={team} value={team}>
                    {team}
                  </option>
                ))}
              </select>
              <button type="submit" className="button button-quiet">
                Switch
              </button>
            </form>
          ) : (
            <span>
              Team <strong>{session.team}</strong>
            </span>
          )}
          <span>
            {me ? (
              <>
                <strong>{me.user.display_name}</strong>
                {role && <span className="muted"> · {role}</span>}
              </>
            ) : (
              <span className="muted">team API key</span>
            )}
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
