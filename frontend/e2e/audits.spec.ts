import { expect, signIn, snap, teamHeaders, test } from "./support/fixtures";
import { API_URL } from "./support/servers";

test("audits a post, shows its findings as they arrive, and accepts them", async ({
  page,
  request,
  team,
}, testInfo) => {
  const created = await request.post(`${API_URL}/v1/teams/${team.name}/posts`, {
    headers: teamHeaders(team),
    data: { author_name: "Linus", content: "Happy to help, call me on 555-0100 any time." },
  });
  expect(created.status()).toBe(201);
  const { post } = (await created.json()) as { post: { id: string } };

  await signIn(page, team);
  // What the browser asks the API while the audit runs: one stream, no polling.
  const asked: string[] = [];
  page.on("request", (sent) => {
    const { pathname } = new URL(sent.url());
    if (pathname.startsWith(`/v1/teams/${team.name}/audits`)) asked.push(pathname);
  });
  await page.goto(`/posts/${post.id}`);
  const audit = page.getByRole("region", { name: "AI audit" });
  await expect(audit).toContainText("has not been audited yet");
  await audit.getByRole("button", { name: "Audit this post" }).click();

  // The scripted model answers after a pause, so the waiting state is on screen first.
  await expect(audit.getByRole("status")).toHaveText(/^(Pending|Running):/);
  await snap(page, testInfo, "audit-live");
  await expect(audit.getByRole("status")).toHaveText(/^Completed/, { timeout: 15_000 });
  expect(asked.filter((path) => path.endsWith("/audits/events")).length).toBeGreaterThan(0);
  expect(asked.filter((path) => /\/audits\/[0-9a-f-]{36}$/.test(path))).toEqual([]);
  await expect(audit.getByText("A post that shares a phone number in public.")).toBeVisible();
  await expect(audit.getByRole("heading", { name: "High (1)" })).toBeVisible();
  await expect(audit.getByRole("heading", { name: "Low (1)" })).toBeVisible();
  await expect(audit.getByText("call me on 555-0100", { exact: true })).toBeVisible();
  await expect(audit.getByRole("list", { name: "Suggested tags" })).toContainText("#privacy");
  await snap(page, testInfo, "thread-audit");

  await audit.getByRole("link", { name: "Open this audit to review it" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audit" })).toBeVisible();
  await expect(page.getByText("Unreviewed")).toBeVisible();
  await page.getByLabel("Note").fill("Asked Linus to remove the number.");
  await page.getByRole("button", { name: "Accept findings" }).click();
  await expect(page.getByText("Saved: accepted.")).toBeVisible();
  await expect(page.getByText("Accepted", { exact: true })).toBeVisible();
  await expect(page.locator("q")).toHaveText("Asked Linus to remove the number.");
  await snap(page, testInfo, "audit");

  await page.getByRole("link", { name: "Audits", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Audits" })).toBeVisible();
  await page.getByLabel("Review").selectOption("accepted");
  await page.getByLabel("Status").selectOption("completed");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/status=completed&review=accepted/);
  const audits = page.locator('ol[aria-label="Audits"] > li');
  await expect(audits).toHaveCount(1);
  await expect(audits).toContainText("2 findings");
  await snap(page, testInfo, "audits");

  await page.getByLabel("Review").selectOption("dismissed");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page.getByText("No audits match these filters.")).toBeVisible();
});
