"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/posts", label: "Posts" },
  { href: "/audits", label: "Audits" },
  { href: "/usage", label: "Usage" },
];

/** Marks the current section for screen readers (aria-current) and the eye alike. */
export function NavLinks() {
  const pathname = usePathname();
  return (
    <nav aria-label="Workspace">
      <ul className="nav">
        {LINKS.map(({ href, label }) => (
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
