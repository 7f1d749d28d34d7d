// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { deletePost } from "@/client";
import { router } from "@/test/navigation";
import { answered } from "@/test/sdk";
import { DeleteButton } from "./delete-button";

vi.mock("next/navigation", () => import("@/test/navigation"));
vi.mock("@/client", () => ({ deletePost: vi.fn() }));

function confirmDelete(kind: "post" | "reply") {
  render(<DeleteButton team="acme" postId="p1" kind={kind} />);
  fireEvent.click(screen.getByRole("button", { name: `Delete ${kind}` }));
  fireEvent.click(screen.getByRole("button", { name: "Yes, delete" }));
}

describe("DeleteButton", () => {
  it("asks first, focusing the safe answer, and cancelling deletes nothing", () => {
    render(<DeleteButton team="acme" postId="p1" kind="reply" />);
    fireEvent.click(screen.getByRole("button", { name: "Delete reply" }));

    expect(screen.getByRole("group", { name: /Delete this reply\?/ })).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));

    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Delete reply" }));
    expect(deletePost).not.toHaveBeenCalled();
  });

  it("deletes a post on confirmation and leaves the thread", async () => {
    vi.mocked(deletePost).mockResolvedValue(answered(undefined, 204));
    confirmDelete("post");

    await waitFor(() => expect(router.push).toHaveBeenCalledWith("/posts"));
    expect(router.refresh).toHaveBeenCalled();
    expect(vi.mocked(deletePost).mock.calls[0][0]).toMatchObject({
      path: { team: "acme", post_id: "p1" },
    });
  });

  it("deletes a reply and stays on the thread", async () => {
    vi.mocked(deletePost).mockResolvedValue(answered(undefined, 204));
    confirmDelete("reply");

    await waitFor(() => expect(router.refresh).toHaveBeenCalled());
    expect(router.push).not.toHaveBeenCalled();
  });

  it("stays on the question and says so when the API cannot be reached", async () => {
    vi.mocked(deletePost).mockRejectedValue(new TypeError("Failed to fetch"));
    confirmDelete("reply");

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Cannot reach the API");
    expect(alert.textContent).not.toContain("Code");
    expect(router.refresh).not.toHaveBeenCalled();
    expect(router.push).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Yes, delete" })).toHaveProperty("disabled", false);
  });
});
