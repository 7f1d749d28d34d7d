import Link from "next/link";
import { hrefWith } from "@/lib/format";

/** Each tag links to the posts filtered by it. */
export function TagList({ tags, label = "Tags" }: { tags: string[]; label?: string }) {
  if (tags.length === 0) {
    return null;
  }
  return (
    <ul className="tags" aria-label={label}>
      {tags.map((tag) => (
        <li key={tag}>
          <Link className="tag" href={hrefWith("/posts", { tag })}>
            #{tag}
          </Link>
        </li>
      ))}
    </ul>
  );
}
