import Link from "next/link";
import type { PostPublic } from "@/client";
import { TagList } from "@/components/tag-list";
import { formatTime } from "@/lib/format";

function replies(count: number): string {
  return count === 1 ? "1 reply" : `${count} replies`;
}

export function PostList({ posts }: { posts: PostPublic[] }) {
  return (
    <ol className="list" aria-label="Posts">
      {posts.map((post) => (
        <li key={post.id} className="card post">
          <p className="meta">
            <strong>{post.author_name}</strong> ·{" "}
            <time dateTime={post.created_at}>{formatTime(post.created_at)}</time>
          </p>
          <p className="post-content">
            <Link href={`/posts/${post.id}`}>{post.content}</Link>
          </p>
          <div className="post-footer">
            <TagList tags={post.tags} />
            <span className="muted">{replies(post.reply_count)}</span>
          </div>
        </li>
      ))}
    </ol>
  );
}
