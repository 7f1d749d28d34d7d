// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { deletePost } from "@/client";
import { DeleteButton } from "./delete-button";

const router = { refresh: vi.fn(), push: vi.fn() };
vi.mock("next/navigation", () => ({ useRouter: () => router }));
vi.mock("@/client", () => ({ deletePost: vi.fn() }));

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

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
    vi.mocked(deletePost).mockResolvedValue({
      data: undefined,
      response: new Response(null, { status: 204 }),
    } as never);
    render(<DeleteButton team="acme" postId="p1" kind="post" />);
    fireEvent.click(screen.getByRole("button", { name: "Delete post" }));
    fireEvent.click(screen.getByRole("button", { name: "Yes, delete" }));

    await waitFor(() => expect(router.push).toHaveBeenCalledWith("/posts"));
    expect(vi.mocked(deletePost).mock.calls[0][0]).toMatchObject({
      path: { team: "acme", post_id: "p1" },
    });
  });
});
