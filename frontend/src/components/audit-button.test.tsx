// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { createAudit } from "@/client";
import { router } from "@/test/navigation";
import { answered, refused } from "@/test/sdk";
import { AuditButton } from "./audit-button";

vi.mock("next/navigation", () => import("@/test/navigation"));
vi.mock("@/client", () => ({ createAudit: vi.fn() }));

function start() {
  render(<AuditButton team="acme" postId="p1" />);
  fireEvent.click(screen.getByRole("button", { name: "Audit this post" }));
}

describe("AuditButton", () => {
  it("queues an audit of the thread and re-renders the page to follow it", async () => {
    vi.mocked(createAudit).mockResolvedValue(answered({ audit: {} }, 202));
    start();

    await waitFor(() => expect(router.refresh).toHaveBeenCalled());
    const [options] = vi.mocked(createAudit).mock.calls[0];
    expect(options).toMatchObject({
      path: { team: "acme" },
      body: { post_id: "p1", include_replies: true },
    });
    // The browser never holds the key: the proxy adds it.
    expect(options).not.toHaveProperty("auth");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it.each([
    [503, "AI_NOT_CONFIGURED", ["AI is not set up", "OPENAI_API_KEY"]],
    [403, "FORBIDDEN", ["Not allowed", "cannot open this team's workspace"]],
  ] as const)("explains a %i %s and can be tried again", async (status, code, words) => {
    vi.mocked(createAudit).mockResolvedValue(refused(status, code));
    start();

    const alert = await screen.findByRole("alert");
    for (const word of [...words, `Code: ${code}`]) {
      expect(alert.textContent).toContain(word);
    }
    expect(router.refresh).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Audit this post" })).toHaveProperty(
      "disabled",
      false,
    );
  });
});
