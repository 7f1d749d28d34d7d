import type { Finding, Severity } from "@/client";

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "short",
  timeZone: "UTC",
});

/** UTC on purpose: server and browser render the same text, so hydration agrees. */
export function formatTime(iso: string): string {
  return `${timeFormat.format(new Date(iso))} UTC`;
}

/** "Release, ops ,, Ops" → ["release", "ops"]: the API lowercases and dedupes too. */
export function parseTags(input: string): string[] {
  const tags = input
    .split(",")
    .map((tag) => tag.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}

const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low"];

/** Most severe first, only the severities that have findings. */
export function groupBySeverity(findings: Finding[]): [Severity, Finding[]][] {
  return SEVERITIES.map((severity): [Severity, Finding[]] => [
    severity,
    findings.filter((finding) => finding.severity === severity),
  ]).filter(([, group]) => group.length > 0);
}

/** A positive page number from a search parameter; anything else is page 1. */
export function pageNumber(value: string | string[] | undefined): number {
  const page = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(page) && page > 0 ? page : 1;
}

export function firstParam(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first || undefined;
}

/** A link to `path` with the given query, leaving out empty values. */
export function hrefWith(path: string, query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") {
      params.set(name, String(value));
    }
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export function humanize(value: string): string {
  const words = value.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
