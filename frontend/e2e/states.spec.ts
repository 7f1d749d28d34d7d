import {
  adminHeaders,
  alerts,
  expect,
  horizontalOverflow,
  signIn,
  snap,
  teamHeaders,
  test,
} from "./support/fixtures";
import { API_URL, RATE_LIMIT_PER_MINUTE } from "./support/servers";

test("a team over its rate limit is told when to try again", async ({
  page,
  request,
  team,
}, testInfo) => {
  await signIn(page, team);
  const url = `${API_URL}/v1/teams/${team.name}/posts?limit=1`;
  let status = 200;
  for (let sent = 0; sent <= RATE_LIMIT_PER_MINUTE && status !== 429; sent++) {
    status = (await request.get(url, { headers: teamHeaders(team) })).status();
  }
  expect(status).toBe(429);

  await page.goto("/posts");
  const alert = alerts(page);
  await expect(alert).toContainText("Too many requests");
  await expect(alert).toContainText(/Try again in \d+ seconds?\./);
  await snap(page, testInfo, "rate-limited");
});

test("a revoked key sends the user back to sign in with a reason", async ({
  page,
  request,
  team,
}) => {
  await signIn(page, team);
  const keys = await request.get(`${API_URL}/v1/teams/${team.name}/api-keys`, {
    headers: adminHeaders(),
  });
  const { api_keys } = (await keys.json()) as { api_keys: { id: string }[] };
  for (const key of api_keys) {
    const revoked = await request.delete(`${API_URL}/v1/teams/${team.name}/api-keys/${key.id}`, {
      headers: adminHeaders(),
    });
    expect(revoked.status()).toBe(204);
  }

  await page.getByRole("link", { name: "Audits", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=expired$/);
  await expect(page.getByRole("status")).toContainText("Sign in again");
});

test("the workspace fits a phone screen", async ({ page, request, team }, testInfo) => {
  const created = await request.post(`${API_URL}/v1/teams/${team.name}/posts`, {
    headers: teamHeaders(team),
    data: {
      author_name: "Ada",
      content:
        "A phone-width check with a long word: supercalifragilisticexpialidocious-and-then-some",
      tags: ["mobile", "layout", "accessibility"],
    },
  });
  expect(created.status()).toBe(201);
  await page.setViewportSize({ width: 360, height: 740 });
  await signIn(page, team);

  await expect(page.getByRole("link", { name: "#mobile" })).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
  await snap(page, testInfo, "posts-phone");

  await page.getByRole("link", { name: /A phone-width check/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Thread by Ada" })).toBeVisible();
  expect(await horizontalOverflow(page)).toBe(0);
});
