import path from "node:path";
import { test as base, expect, type Page, type TestInfo } from "@playwright/test";
import { ADMIN_TOKEN, API_URL } from "./servers";

export type Team = { name: string; key: string };

export type Person = { email: string; password: string; displayName: string };

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

/**
 * `team`: a fresh team with its own key, made through the admin API, so each test
 * has its own posts and its own rate-limit budget.
 */
export const test = base.extend<{ team: Team; owner: Person }>({
  team: async ({ request }, use, testInfo) => {
    const suffix = Math.random().toString(36).slice(2, 8);
    const name = `e2e-${testInfo.testId.slice(0, 8)}-${suffix}`.toLowerCase();
    const response = await request.post(`${API_URL}/v1/teams`, { headers: admin, data: { name } });
    expect(response.status(), await response.text()).toBe(201);
    const { api_key: key } = (await response.json()) as { api_key: string };
    await use({ name, key });
  },
  /** `owner`: a person who owns `team`, made through the admin API. */
  owner: async ({ request, team }, use) => {
    const owner = newPerson("Olive Owner");
    const response = await request.post(`${API_URL}/v1/users`, {
      headers: admin,
      data: {
        email: owner.email,
        display_name: owner.displayName,
        password: owner.password,
        owner_of: team.name,
      },
    });
    expect(response.status(), await response.text()).toBe(201);
    await use(owner);
  },
});

/** A person with an address and a name no other test uses. */
export function newPerson(displayName: string): Person {
  const suffix = Math.random().toString(36).slice(2, 10);
  return { email: `person-${suffix}@example.com`, password: `pw-${suffix}-long`, displayName };
}

export { expect };

export function teamHeaders(team: Team) {
  return { Authorization: `Bearer ${team.key}` };
}

export function adminHeaders() {
  return admin;
}

/** The developer's sign-in with the team's API key. */
export async function signIn(page: Page, team: Team) {
  await page.goto("/sign-in");
  await page.getByText("Developers: sign in with a team API key").click();
  await page.getByLabel("Team name").fill(team.name);
  await page.getByLabel("API key").fill(team.key);
  await page.getByRole("button", { name: "Sign in with the key" }).click();
  await expect(page).toHaveURL(/\/posts$/);
}

export async function signInAs(page: Page, person: Person) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(person.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
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
