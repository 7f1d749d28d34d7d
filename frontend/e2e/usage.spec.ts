import { alerts, expect, signIn, snap, teamHeaders, test } from "./support/fixtures";
import { API_URL } from "./support/servers";

test("shows the team's tokens and estimated cost per day", async ({
  page,
  request,
  team,
}, testInfo) => {
  const ids: string[] = [];
  for (const content of ["Deploy window moves to Friday.", "Call me on 555-0100."]) {
    const created = await request.post(`${API_URL}/v1/teams/${team.name}/audits`, {
      headers: teamHeaders(team),
      data: { content },
    });
    expect(created.status()).toBe(202);
    ids.push(((await created.json()) as { audit: { id: string } }).audit.id);
  }
  for (const id of ids) {
    await expect
      .poll(
        async () => {
          const response = await request.get(`${API_URL}/v1/teams/${team.name}/audits/${id}`, {
            headers: teamHeaders(team),
          });
          return ((await response.json()) as { audit: { status: string } }).audit.status;
        },
        { timeout: 20_000 },
      )
      .toBe("completed");
  }

  await signIn(page, team);
  await page.getByRole("link", { name: "Usage", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Usage" })).toBeVisible();

  // Two reviews of 120 prompt and 40 completion tokens, at $1 and $4 per million.
  const totals = page.getByLabel("Totals");
  await expect(totals).toContainText("Estimated cost$0.00056");
  await expect(totals).toContainText("Tokens320");
  await expect(totals).toContainText("Audits2");
  const today = new Date().toISOString().slice(0, 10);
  await expect(page.locator(`rect[data-date="${today}"]`)).toHaveAttribute("height", "160");
  await expect(page.getByRole("img", { name: /Tokens per day/ })).toBeVisible();
  const byModel = page.getByRole("table", { name: "By model" });
  await expect(byModel.getByRole("row", { name: /test-model/ })).toContainText("$0.00056");
  await snap(page, testInfo, "usage");

  await page.getByLabel("From", { exact: true }).fill("2020-01-01");
  await page.getByLabel("To", { exact: true }).fill("2020-01-31");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/from=2020-01-01&to=2020-01-31/);
  await expect(page.getByText("No completed audits in these days.")).toBeVisible();

  await page.goto("/usage?from=2026-02-01&to=2025-01-01");
  await expect(alerts(page)).toBeVisible();
});
