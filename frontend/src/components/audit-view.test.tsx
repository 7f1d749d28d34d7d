// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import type { AuditPublic } from "@/client";
import { AuditView } from "./audit-view";

vi.mock("next/navigation", () => ({ useRouter: () => ({ refresh: vi.fn(), push: vi.fn() }) }));

const base: AuditPublic = {
  id: "a1",
  team: "acme",
  post_id: "p1",
  include_replies: true,
  content: null,
  status: "completed",
  attempts: 1,
  next_attempt_at: null,
  details: null,
  error: null,
  review_status: "unreviewed",
  review_note: null,
  requested_by_user_id: null,
  reviewed_by_user_id: null,
  created_at: "2026-11-22T03:08:00Z",
  updated_at: "2026-11-22T03:08:00Z",
  completed_at: null,
};

describe("AuditView", () => {
  it("shows the summary, suggested tags and findings grouped by severity", () => {
    const audit: AuditPublic = {
      ...base,
      details: {
        summary: "Shares a phone number.",
        suggested_tags: ["privacy"],
        findings: [
          { category: "spam", severity: "low", evidence: "call me", explanation: "Pitchy." },
          {
            category: "personal_data",
            severity: "critical",
            evidence: "555-0100",
            explanation: "A phone number.",
          },
        ],
        model: "test-model",
        prompt_version: "v1",
        usage: null,
        latency_ms: 12,
      },
    };

    render(<AuditView team="acme" audit={audit} />);

    expect(screen.getByRole("status").textContent).toMatch(/^Completed/);
    expect(screen.getByText("Shares a phone number.")).toBeTruthy();
    expect(
      within(screen.getByRole("list", { name: "Suggested tags" })).getByText("#privacy"),
    ).toBeTruthy();
    const headings = screen.getAllByRole("heading", { level: 4 }).map((h) => h.textContent);
    expect(headings).toEqual(["Critical (1)", "Low (1)"]);
    const critical = screen.getByRole("region", { name: "Critical (1)" });
    expect(within(critical).getByText("Personal data")).toBeTruthy();
    expect(within(critical).getByText("555-0100")).toBeTruthy();
  });

  it("says so when the review found nothing", () => {
    const details = {
      summary: "Fine.",
      suggested_tags: [],
      findings: [],
      model: "m",
      prompt_version: "v1",
      usage: null,
      latency_ms: 1,
    };
    render(<AuditView team="acme" audit={{ ...base, details }} />);
    expect(screen.getByText("No concerns found.")).toBeTruthy();
  });

  it("tells the user a pending audit is on its way", () => {
    render(<AuditView team="acme" audit={{ ...base, status: "pending" }} />);
    expect(screen.getByRole("status").textContent).toMatch(/^Pending: .*findings will appear here/);
  });

  it("shows why a failed audit failed", () => {
    const error = { code: "MODEL_TIMEOUT", message: "The model did not answer in time" };
    render(<AuditView team="acme" audit={{ ...base, status: "failed", error }} />);
    expect(screen.getByText(/The model did not answer in time/)).toBeTruthy();
    expect(screen.getByText("MODEL_TIMEOUT")).toBeTruthy();
  });
});
