"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export type NavLink = { href: string; label: string };

/** Marks the current section for screen readers (aria-current) and the eye alike. */
export function NavLinks({ links }: { links: NavLink[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Workspace">
      <ul className="nav">
        {links.map(({ href, label }) => (
          <li key={href}>
            <Link href={href} aria-current={pathname.startsWith(href) ? "page" : undefined}>
              {label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
