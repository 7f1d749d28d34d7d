// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { type AuditPublic, reviewAudit } from "@/client";
import { router } from "@/test/navigation";
import { answered, refused } from "@/test/sdk";
import { ReviewForm } from "./review-form";

vi.mock("next/navigation", () => import("@/test/navigation"));
vi.mock("@/client", () => ({ reviewAudit: vi.fn() }));

const audit = { id: "a1", review_note: null } as AuditPublic;

describe("ReviewForm", () => {
  it("saves the decision with its note and says so", async () => {
    vi.mocked(reviewAudit).mockResolvedValue(answered({ audit: { review_status: "accepted" } }));
    render(<ReviewForm team="acme" audit={audit} />);
    fireEvent.change(screen.getByLabelText("Note"), { target: { value: " fair " } });
    fireEvent.click(screen.getByRole("button", { name: "Accept findings" }));

    await waitFor(() => expect(router.refresh).toHaveBeenCalled());
    expect(vi.mocked(reviewAudit).mock.calls[0][0]).toMatchObject({
      path: { team: "acme", audit_id: "a1" },
      body: { review_status: "accepted", review_note: "fair" },
    });
    expect(screen.getByText("Saved: accepted.")).toBeTruthy();
  });

  it("says the audit is gone when the API no longer has it", async () => {
    vi.mocked(reviewAudit).mockResolvedValue(refused(404, "NOT_FOUND"));
    render(<ReviewForm team="acme" audit={audit} />);
    fireEvent.click(screen.getByRole("button", { name: "Dismiss findings" }));

    expect((await screen.findByRole("alert")).textContent).toContain(
      "It does not exist, or it has been deleted.",
    );
    expect(router.refresh).not.toHaveBeenCalled();
    expect(screen.queryByText(/^Saved:/)).toBeNull();
  });
});
