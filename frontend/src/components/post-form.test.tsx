// @vitest-environment jsdom
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { createPost } from "@/client";
import { router } from "@/test/navigation";
import { answered, refused } from "@/test/sdk";
import { PostForm } from "./post-form";

vi.mock("next/navigation", () => import("@/test/navigation"));
vi.mock("@/client", () => ({ createPost: vi.fn() }));

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("PostForm", () => {
  it("sends the parsed tags and refreshes the list", async () => {
    vi.mocked(createPost).mockResolvedValue(answered({ post: {} }, 201));
    render(<PostForm team="acme" />);
    fill("Your name", "Ada");
    fill("Message", "Hello");
    fill("Tags", "Release, ops");
    fireEvent.click(screen.getByRole("button", { name: "Publish post" }));

    await waitFor(() => expect(router.refresh).toHaveBeenCalled());
    expect(vi.mocked(createPost).mock.calls[0][0]).toMatchObject({
      path: { team: "acme" },
      body: { author_name: "Ada", content: "Hello", tags: ["release", "ops"] },
    });
    expect(vi.mocked(createPost).mock.calls[0][0]).not.toHaveProperty("auth");
    expect(screen.getByText("Post published.")).toBeTruthy();
    expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("");
  });

  it("asks a signed-in person for no name: the API records them as the author", async () => {
    vi.mocked(createPost).mockResolvedValue(answered({ post: {} }, 201));
    render(<PostForm team="acme" author="Ada Lovelace" />);
    expect(screen.queryByLabelText("Your name")).toBeNull();
    expect(screen.getByText("Ada Lovelace")).toBeTruthy();
    fill("Message", "Hello");
    fireEvent.click(screen.getByRole("button", { name: "Publish post" }));

    await waitFor(() => expect(router.refresh).toHaveBeenCalled());
    expect(vi.mocked(createPost).mock.calls[0][0].body).not.toHaveProperty("author_name");
  });

  it("shows the API's validation errors next to the fields they name", async () => {
    vi.mocked(createPost).mockResolvedValue(
      refused(422, "VALIDATION_ERROR", {
        errors: [{ field: "body.tags.0", message: "String should have at most 32 characters" }],
      }),
    );
    render(<PostForm team="acme" />);
    fill("Your name", "Ada");
    fill("Message", "Hello");
    fill("Tags", "x".repeat(40));
    fireEvent.click(screen.getByRole("button", { name: "Publish post" }));

    const tags = screen.getByLabelText("Tags");
    await waitFor(() => expect(tags.getAttribute("aria-invalid")).toBe("true"));
    const errorId = tags.getAttribute("aria-describedby")?.split(" ").at(-1) ?? "";
    expect(document.getElementById(errorId)?.textContent).toBe(
      "Item 1: String should have at most 32 characters",
    );
    expect(screen.queryByRole("alert")).toBeNull();
    expect(router.refresh).not.toHaveBeenCalled();
  });

  it("shows a rate limit above the form with when to retry", async () => {
    vi.mocked(createPost).mockResolvedValue(
      refused(429, "RATE_LIMITED", {}, { "Retry-After": "12" }),
    );
    render(<PostForm team="acme" parentPostId="p1" />);
    fill("Your name", "Ada");
    fill("Reply", "Hi");
    fireEvent.click(screen.getByRole("button", { name: "Post reply" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Too many requests");
    expect(alert.textContent).toContain("Try again in 12 seconds.");
    expect(vi.mocked(createPost).mock.calls[0][0]).toMatchObject({
      body: { parent_post_id: "p1" },
    });
  });

  it("sends a user whose key stopped working back to sign in", async () => {
    vi.mocked(createPost).mockResolvedValue(refused(401, "UNAUTHORIZED"));
    render(<PostForm team="acme" />);
    fill("Your name", "Ada");
    fill("Message", "Hello");
    fireEvent.click(screen.getByRole("button", { name: "Publish post" }));

    await waitFor(() => expect(router.push).toHaveBeenCalledWith("/sign-in?reason=expired"));
  });
});
