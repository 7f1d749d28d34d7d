import Link from "next/link";
import { hrefWith } from "@/lib/format";

type Props = {
  path: string;
  /** The page's other query parameters (filters), kept on every link. */
  query: Record<string, string | undefined>;
  page: number;
  pageSize: number;
  total: number;
};

export function Pagination({ path, query, page, pageSize, total }: Props) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages === 1) {
    return null;
  }
  const link = (target: number) =>
    hrefWith(path, { ...query, page: target > 1 ? target : undefined });
  return (
    <nav className="pagination" aria-label="Pagination">
      {page > 1 ? (
        <Link href={link(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link href={link(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span aria-hidden="true" />
      )}
    </nav>
  );
}
