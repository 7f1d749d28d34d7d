import type { Metadata } from "next";
import Link from "next/link";
import { listPosts } from "@/client";
import { Pagination } from "@/components/pagination";
import { PostForm } from "@/components/post-form";
import { PostList } from "@/components/post-list";
import { ProblemView } from "@/components/problem-view";
import { firstParam, pageNumber } from "@/lib/format";
import { authed, read, requireViewer } from "@/lib/server-api";

export const metadata: Metadata = { title: "Posts · Looped Needle" };

const PAGE_SIZE = 10;

export default async function PostsPage({ searchParams }: PageProps<"/posts">) {
  const { session, me } = await requireViewer();
  const params = await searchParams;
  const tag = firstParam(params.tag)?.trim().toLowerCase();
  const page = pageNumber(params.page);
  const result = await read(() =>
    listPosts({
      ...authed(session),
      path: { team: session.team },
      query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, tag, threads_only: true },
    }),
  );

  return (
    <div className="stack-lg">
      <h1>Posts</h1>
      <section className="card" aria-labelledby="new-post">
        <h2 id="new-post">New post</h2>
        <PostForm team={session.team} author={me?.user.display_name} />
      </section>
      <section className="stack" aria-labelledby="threads">
        <div className="section-head">
          <h2 id="threads">{tag ? `Threads tagged #${tag}` : "Threads"}</h2>
          {result.ok && <span className="muted">{result.data.total} in all</span>}
        </div>
        {tag && (
          <p>
            <Link href="/posts">Show all threads</Link>
          </p>
        )}
        {!result.ok ? (
          <ProblemView problem={result.problem} />
        ) : result.data.posts.length === 0 ? (
          <p className="empty">
            {tag ? `No threads are tagged #${tag}.` : "No threads yet: write the first post above."}
          </p>
        ) : (
          <>
            <PostList posts={result.data.posts} />
            <Pagination
              path="/posts"
              query={{ tag }}
              page={page}
              pageSize={PAGE_SIZE}
              total={result.data.total}
            />
          </>
        )}
      </section>
    </div>
  );
}
