import path from "node:path";
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import { ADMIN_TOKEN, API_URL } from "./servers";

export type Team = { name: string; key: string };

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * `team`: a fresh team with its own key, made through the admin API, so each test
 * has its own posts and its own rate-limit budget.
 */
export const test = base.extend<{ team: Team }>({
  team: async ({ request }, use, testInfo) => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const name = `e2e-${testInfo.testId.slice(0, 8)}-${suffix}`.toLowerCase();
    const response = await request.post(`${API_URL}/v1/teams`, { headers: admin, data: { name } });
    expect(response.status(), await response.text()).toBe(201);
    const { api_key: key } = (await response.json()) as { api_key: string };
    await use({ name, key });
  },
});

export { expect };

export function teamHeaders(team: Team) {
  return { Authorization: `Bearer ${team.key}` };
}

export function adminHeaders() {
  return admin;
}

export async function signIn(page: Page, team: Team) {
  await page.goto("/sign-in");
  await page.getByLabel("Team name").fill(team.name);
  await page.getByLabel("API key").fill(team.key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/posts$/);
}

/** Full-page screenshots kept as test artifacts (test-results/screenshots/). */
export async function snap(page: Page, testInfo: TestInfo, name: string) {
  const file = path.join(testInfo.project.outputDir, "screenshots", `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

/** The page's alerts, less Next.js's route announcer (also role="alert"). */
export function alerts(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}
