import { alerts, expect, snap, test } from "./support/fixtures";
import { API_URL } from "./support/servers";

/** What global-setup.ts read from `looped seed`. */
function seeded(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is unset: global-setup.ts seeds the demo team`);
  }
  return value;
}

const demoKey = () => seeded("E2E_DEMO_KEY");

test("the demo owner signs in with the password `make run` printed, and signs out", async ({
  page,
  context,
}, testInfo) => {
  await page.goto("/audits");
  await expect(page).toHaveURL(/\/sign-in$/);
  await snap(page, testInfo, "sign-in");

  await page.getByLabel("Email").fill(seeded("E2E_DEMO_OWNER_EMAIL"));
  await page.getByLabel("Password").fill(seeded("E2E_DEMO_OWNER_PASSWORD"));
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page).toHaveURL(/\/posts$/);
  await expect(page.getByRole("banner")).toContainText("owner");
  for (const section of ["Members", "API keys", "Account"]) {
    await expect(page.getByRole("link", { name: section })).toBeVisible();
  }
  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  expect(JSON.parse(decodeURIComponent(cookie.value)).token).toMatch(/^ls_/);
  expect(await page.evaluate(() => document.cookie)).toBe("");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=signed-out$/);
  expect(await context.cookies()).toEqual([]);
  // Signing out revoked the session at the API: the old token opens nothing.
  const stale = await page.request.get(`${API_URL}/v1/me`, {
    headers: { Authorization: `Bearer ${JSON.parse(decodeURIComponent(cookie.value)).token}` },
  });
  expect(stale.status()).toBe(401);
});

test("signs in with the demo key, keeps it out of JavaScript, and signs out", async ({
  page,
  context,
}, testInfo) => {
  await page.goto("/sign-in");
  await page.getByText("Developers: sign in with a team API key").click();
  await page.getByLabel("Team name").fill("demo");
  await page.getByLabel("API key").fill(demoKey());
  await page.getByRole("button", { name: "Sign in with the key" }).click();

  await expect(page).toHaveURL(/\/posts$/);
  await expect(page.getByRole("heading", { level: 1, name: "Posts" })).toBeVisible();
  const welcome = page
    .locator('ol[aria-label="Posts"] > li')
    .filter({ hasText: "Welcome to the demo team!" });
  await expect(welcome).toContainText("Grace");
  await expect(welcome).toContainText("2 replies");
  await expect(welcome.getByRole("link", { name: "#welcome" })).toBeVisible();
  await snap(page, testInfo, "posts");

  const [cookie] = await context.cookies();
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  expect(await page.evaluate(() => document.cookie)).not.toContain(demoKey());
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain(demoKey());

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=signed-out$/);
  expect(await context.cookies()).toEqual([]);
  await page.goto("/posts");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("a wrong key is refused on the form, which works from the keyboard", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByText("Developers: sign in with a team API key").click();
  await page.getByLabel("Team name").focus();
  await page.keyboard.type("demo");
  await page.keyboard.press("Tab");
  await expect(page.getByLabel("API key")).toBeFocused();
  await page.keyboard.type("ln_not-a-real-key");
  await page.keyboard.press("Enter");

  await expect(alerts(page)).toHaveText(/Wrong team name or API key/);
  await expect(page).toHaveURL(/\/sign-in$/);
  await expect(page.getByLabel("Team name")).toHaveValue("demo");
});
