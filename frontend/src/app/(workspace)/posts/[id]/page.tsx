import type { Metadata } from "next";
import Link from "next/link";
import { getPost, listAudits, listReplies, type PostPublic } from "@/client";
import { AuditButton } from "@/components/audit-button";
import { AuditView } from "@/components/audit-view";
import { DeleteButton } from "@/components/delete-button";
import { Pagination } from "@/components/pagination";
import { PostForm } from "@/components/post-form";
import { ProblemView } from "@/components/problem-view";
import { TagList } from "@/components/tag-list";
import { formatTime, pageNumber } from "@/lib/format";
import { authed, read, requireViewer } from "@/lib/server-api";

export const metadata: Metadata = { title: "Thread · Looped Needle" };

const PAGE_SIZE = 20;

function Byline({ post }: { post: PostPublic }) {
  return (
    <p className="meta">
      <strong>{post.author_name}</strong> ·{" "}
      <time dateTime={post.created_at}>{formatTime(post.created_at)}</time>
    </p>
  );
}

export default async function ThreadPage({ params, searchParams }: PageProps<"/posts/[id]">) {
  const { session, me } = await requireViewer();
  const { id } = await params;
  const page = pageNumber((await searchParams).page);
  const path = { team: session.team, post_id: id };
  const [post, replies, audits] = await Promise.all([
    read(() => getPost({ ...authed(session), path })),
    read(() =>
      listReplies({
        ...authed(session),
        path,
        query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    ),
    read(() =>
      listAudits({
        ...authed(session),
        path: { team: session.team },
        query: { post_id: id, limit: 1 },
      }),
    ),
  ]);

  const back = (
    <p>
      <Link href="/posts">← All threads</Link>
    </p>
  );
  if (!post.ok) {
    return (
      <div className="stack">
        {back}
        <h1>Thread</h1>
        <ProblemView problem={post.problem} />
      </div>
    );
  }
  const thread = post.data.post;
  const latestAudit = audits.ok ? audits.data.audits[0] : undefined;

  return (
    <div className="stack-lg">
      {back}
      <article className="card stack" aria-labelledby="thread-heading">
        <h1 id="thread-heading">Thread by {thread.author_name}</h1>
        <Byline post={thread} />
        <p className="post-content">{thread.content}</p>
        <TagList tags={thread.tags} />
        <div>
          <DeleteButton team={session.team} postId={thread.id} kind="post" />
        </div>
      </article>

      <section className="stack" aria-labelledby="replies-heading">
        <h2 id="replies-heading">Replies ({thread.reply_count})</h2>
        {!replies.ok ? (
          <ProblemView problem={replies.problem} />
        ) : replies.data.posts.length === 0 ? (
          <p className="empty">No replies yet.</p>
        ) : (
          <ol className="list" aria-label="Replies">
            {replies.data.posts.map((reply) => (
              <li key={reply.id} className="card reply">
                <Byline post={reply} />
                <p className="post-content">{reply.content}</p>
                <DeleteButton team={session.team} postId={reply.id} kind="reply" />
              </li>
            ))}
          </ol>
        )}
        {replies.ok && (
          <Pagination
            path={`/posts/${id}`}
            query={{}}
            page={page}
            pageSize={PAGE_SIZE}
            total={replies.data.total}
          />
        )}
        <div className="card">
          <h3>Write a reply</h3>
          <PostForm team={session.team} parentPostId={thread.id} author={me?.user.display_name} />
        </div>
      </section>

      <section className="card stack" aria-labelledby="audit-heading">
        <h2 id="audit-heading">AI audit</h2>
        {!audits.ok && <ProblemView problem={audits.problem} />}
        {latestAudit ? (
          <>
            <AuditView team={session.team} audit={latestAudit} />
            <p>
              <Link href={`/audits/${latestAudit.id}`}>Open this audit to review it</Link>
            </p>
          </>
        ) : (
          audits.ok && <p className="muted">This thread has not been audited yet.</p>
        )}
        <AuditButton team={session.team} postId={thread.id} />
      </section>
    </div>
  );
}
