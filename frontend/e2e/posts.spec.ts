import { alerts, expect, signIn, snap, test } from "./support/fixtures";

test("creates posts with tags, filters by tag, replies, and deletes", async ({
  page,
  team,
}, testInfo) => {
  await signIn(page, team);
  await expect(page.getByText("No threads yet")).toBeVisible();

  // The API's validation errors land next to the fields they name.
  const form = page.getByRole("region", { name: "New post" });
  await form.getByLabel("Your name").fill("Ada");
  await form.getByLabel("Message").fill("x".repeat(10_001));
  await form.getByLabel("Tags").fill("release, this-tag-is-far-too-long-for-the-api-to-keep");
  await form.getByRole("button", { name: "Publish post" }).click();
  await expect(page.locator("#post-content-error")).toContainText("at most 10000");
  await expect(page.locator("#post-tags-error")).toContainText("Item 2");
  await expect(form.getByLabel("Message")).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("Message").fill("Release checklist for v2");
  await form.getByLabel("Tags").fill("Release, ops");
  await form.getByRole("button", { name: "Publish post" }).click();
  await expect(form.getByText("Post published.")).toBeVisible();
  await form.getByLabel("Message").fill("Lunch on Friday?");
  await form.getByLabel("Tags").fill("social");
  await form.getByRole("button", { name: "Publish post" }).click();

  // Direct children only: each post's tags are a list of their own.
  const posts = page.locator('ol[aria-label="Posts"] > li');
  await expect(posts).toHaveCount(2);
  // Newest first.
  await expect(posts.first()).toContainText("Lunch on Friday?");
  const release = posts.filter({ hasText: "Release checklist for v2" });
  await expect(release).toContainText("Ada");
  await expect(release).toContainText("0 replies");

  await release.getByRole("link", { name: "#release" }).click();
  await expect(page).toHaveURL(/\/posts\?tag=release$/);
  await expect(page.getByRole("heading", { name: "Threads tagged #release" })).toBeVisible();
  await expect(posts).toHaveCount(1);
  await expect(page.getByText("Lunch on Friday?")).toHaveCount(0);

  await page.getByRole("link", { name: "Release checklist for v2" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Thread by Ada" })).toBeVisible();
  const reply = page.getByRole("region", { name: /Replies/ });
  await reply.getByLabel("Your name").fill("Grace");
  await reply.getByLabel("Reply").fill("Staging looks clean.");
  await reply.getByRole("button", { name: "Post reply" }).click();
  await expect(page.getByRole("heading", { name: "Replies (1)" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Replies" })).toContainText("Staging looks clean.");
  await snap(page, testInfo, "thread");

  // The thread list shows threads only: the reply counts, it is not listed.
  await page.getByRole("link", { name: "Posts", exact: true }).click();
  await expect(posts).toHaveCount(2);
  await expect(release).toContainText("1 reply");
  await expect(page.getByText("Staging looks clean.")).toHaveCount(0);
  await release.getByRole("link", { name: "Release checklist for v2" }).click();

  await page.getByRole("button", { name: "Delete reply" }).click();
  await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page.getByRole("heading", { name: "Replies (0)" })).toBeVisible();
  await expect(page.getByText("No replies yet.")).toBeVisible();

  await page.getByRole("button", { name: "Delete post" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page).toHaveURL(/\/posts$/);
  await expect(posts).toHaveCount(1);
  await expect(page.getByText("Release checklist for v2")).toHaveCount(0);
});

test("an unknown thread says it is not found", async ({ page, team }) => {
  await signIn(page, team);
  await page.goto("/posts/00000000-0000-7000-8000-000000000000");
  await expect(alerts(page)).toContainText("Not found");
});
