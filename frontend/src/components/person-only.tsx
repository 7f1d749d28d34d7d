/** What a people page shows a session that is a team API key. */
export function PersonOnly({ title }: { title: string }) {
  return (
    <div className="stack-lg">
      <h1>{title}</h1>
      <p className="notice notice-warn">
        A team API key acts for the team, not for a person: sign in with your email and password to
        see this page.
      </p>
    </div>
  );
}
