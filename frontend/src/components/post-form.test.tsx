// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPost } from "@/client";
import { PostForm } from "./post-form";

const router = { refresh: vi.fn(), push: vi.fn() };
vi.mock("next/navigation", () => ({ useRouter: () => router }));
vi.mock("@/client", () => ({ createPost: vi.fn() }));

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe("PostForm", () => {
  it("sends the parsed tags and refreshes the list", async () => {
    vi.mocked(createPost).mockResolvedValue({
      data: { post: {} },
      response: new Response(null, { status: 201 }),
    } as never);
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
    expect(screen.getByText("Post published.")).toBeTruthy();
    expect((screen.getByLabelText("Message") as HTMLTextAreaElement).value).toBe("");
  });

  it("shows the API's validation errors next to the fields they name", async () => {
    vi.mocked(createPost).mockResolvedValue({
      error: {
        error: "Request validation failed",
        code: "VALIDATION_ERROR",
        details: {
          errors: [{ field: "body.tags.0", message: "String should have at most 32 characters" }],
        },
      },
      response: new Response(null, { status: 422 }),
    } as never);
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
    vi.mocked(createPost).mockResolvedValue({
      error: { error: "Rate limited", code: "RATE_LIMITED", details: {} },
      response: new Response(null, { status: 429, headers: { "Retry-After": "12" } }),
    } as never);
    render(<PostForm team="acme" parentPostId="p1" />);
    fill("Your name", "Ada");
    fill("Reply", "Hi");
    fireEvent.click(screen.getByRole("button", { name: "Post reply" }));

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Try again in 12 seconds.");
    expect(vi.mocked(createPost).mock.calls[0][0]).toMatchObject({
      body: { parent_post_id: "p1" },
    });
  });

  it("sends a user whose key stopped working back to sign in", async () => {
    vi.mocked(createPost).mockResolvedValue({
      error: { error: "A valid API key is required", code: "UNAUTHORIZED", details: {} },
      response: new Response(null, { status: 401 }),
    } as never);
    render(<PostForm team="acme" />);
    fill("Your name", "Ada");
    fill("Message", "Hello");
    fireEvent.click(screen.getByRole("button", { name: "Publish post" }));

    await waitFor(() => expect(router.push).toHaveBeenCalledWith("/sign-in?reason=expired"));
  });
});
