// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Pagination } from "./pagination";

describe("Pagination", () => {
  it("links to the neighbouring pages and keeps the filters", () => {
    render(<Pagination path="/posts" query={{ tag: "ops" }} page={2} pageSize={10} total={35} />);
    expect(screen.getByText("Page 2 of 4")).toBeTruthy();
    expect(screen.getByRole("link", { name: "← Previous" }).getAttribute("href")).toBe(
      "/posts?tag=ops",
    );
    expect(screen.getByRole("link", { name: "Next →" }).getAttribute("href")).toBe(
      "/posts?tag=ops&page=3",
    );
  });

  it("is absent when everything fits on one page", () => {
    const { container } = render(
      <Pagination path="/posts" query={{}} page={1} pageSize={10} total={10} />,
    );
    expect(container.innerHTML).toBe("");
  });
});
