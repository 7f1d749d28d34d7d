import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="page page-narrow stack">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link href="/posts">Go to your team's posts</Link>
      </p>
    </main>
  );
}
