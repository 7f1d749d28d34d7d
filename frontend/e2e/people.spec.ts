import type { Browser, Page } from "@playwright/test";
import {
  alerts,
  expect,
  newPerson,
  type Person,
  signIn,
  signInAs,
  snap,
  test,
} from "./support/fixtures";
import { linkMailedTo } from "./support/mail";
import { API_URL } from "./support/servers";

/** An owner's invitation, accepted in a browser of the invitee's own. */
async function invite(
  owner: Page,
  browser: Browser,
  role: "member" | "admin",
  person: Person,
): Promise<Page> {
  await owner.goto("/members");
  const form = owner
    .locator("form")
    .filter({ has: owner.getByRole("button", { name: "Send invitation" }) });
  await form.getByLabel("Email").fill(person.email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Send invitation" }).click();
  const link = await form.locator("code.secret").textContent();
  expect(link).toMatch(/\/invite\?token=li_/);
  // The API emailed the same link.
  expect(await linkMailedTo(person.email)).toContain(new URL(link ?? "").search);

  const invitee = await (await browser.newContext()).newPage();
  await invitee.goto(link ?? "");
  await expect(invitee.getByText(`The invitation is for ${person.email}`)).toBeVisible();
  await invitee.getByLabel("Your name").fill(person.displayName);
  await invitee.getByLabel("Password").fill(person.password);
  await invitee.getByRole("button", { name: "Create account and join" }).click();
  await expect(invitee).toHaveURL(/\/posts$/);
  return invitee;
}

async function ownerPage(browser: Browser, owner: Person): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, owner);
  return page;
}

test("an invited person signs up, joins the team and posts as themself", async ({
  browser,
  owner,
  team,
}, testInfo) => {
  const host = await ownerPage(browser, owner);
  const ada = newPerson("Ada Lovelace");
  const page = await invite(host, browser, "member", ada);

  await expect(page.getByRole("banner")).toContainText("Ada Lovelace");
  await expect(page.getByRole("banner")).toContainText(team.name);
  await expect(page.getByLabel("Your name")).toHaveCount(0);
  await page.getByLabel("Message").fill("Hello from Ada");
  await page.getByRole("button", { name: "Publish post" }).click();
  const post = page.locator('ol[aria-label="Posts"] > li').filter({ hasText: "Hello from Ada" });
  await expect(post).toContainText("Ada Lovelace");
  await snap(page, testInfo, "posted-as-person");

  // The owner sees the new member and no invitation left pending.
  await host.goto("/members");
  await expect(host.getByText(ada.email)).toBeVisible();
  await expect(host.getByText("No invitations are waiting.")).toBeVisible();
  await snap(host, testInfo, "members");
});

test("a member demoted from admin loses the API keys page", async ({ browser, owner }) => {
  const host = await ownerPage(browser, owner);
  const grace = newPerson("Grace Hopper");
  const page = await invite(host, browser, "admin", grace);
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: /API keys of/ })).toBeVisible();

  await host.goto("/members");
  const role = host.getByLabel("Role of Grace Hopper");
  await role.selectOption("member");
  await role.locator("xpath=ancestor::form").getByRole("button", { name: "Change role" }).click();
  await expect(host.getByText("Role changed.")).toBeVisible();

  await page.reload();
  await expect(page.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await page.goto("/api-keys");
  await expect(alerts(page)).toContainText("Your role in this team does not allow this");
});

test("an owner creates a key that works with curl, then revokes it", async ({
  page,
  owner,
  team,
}, testInfo) => {
  await signInAs(page, owner);
  await page.getByRole("link", { name: "API keys" }).click();
  await page.getByLabel("Name").fill("ci");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.locator("code.secret").textContent()) ?? "";
  expect(key).toMatch(/^ln_/);
  await snap(page, testInfo, "key-created");

  const posts = `${API_URL}/v1/teams/${team.name}/posts?limit=1`;
  const bearer = { Authorization: `Bearer ${key}` };
  expect((await page.request.get(posts, { headers: bearer })).status()).toBe(200);

  await page.getByRole("button", { name: "Revoke ci" }).click();
  await expect(page.getByRole("button", { name: "Revoke ci" })).toHaveCount(0);
  await expect(page.getByText(/revoked/)).toBeVisible();
  await expect
    .poll(async () => (await page.request.get(posts, { headers: bearer })).status())
    .toBe(401);
});

test("a forgotten password is reset through the link the SMTP server received", async ({
  page,
  owner,
}) => {
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("button", { name: "Email me a link" })).toBeVisible();
  await page.getByLabel("Email").fill(owner.email);
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.getByText("a link to reset its password is on its way")).toBeVisible();

  const link = await linkMailedTo(owner.email);
  expect(link).toMatch(/\/reset-password\?token=lr_/);
  await page.goto(link);
  const renewed = { ...owner, password: "a-brand-new-password" };
  await page.getByLabel("New password").fill(renewed.password);
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).toHaveURL(/\/sign-in\?reason=reset$/);

  await signInAs(page, renewed);
  // The link worked once.
  await page.goto(link);
  await page.getByLabel("New password").fill("yet-another-password");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(alerts(page)).toContainText("invalid, used or expired");
});

test("signing out everywhere ends the session in a second browser too", async ({
  browser,
  owner,
}) => {
  const first = await ownerPage(browser, owner);
  const second = await ownerPage(browser, owner);

  await first.getByRole("link", { name: "Account" }).click();
  await expect(first.getByText("This browser")).toBeVisible();
  await first.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(first).toHaveURL(/\/sign-in\?reason=signed-out$/);

  await second.reload();
  await expect(second).toHaveURL(/\/sign-in\?reason=expired$/);
});

test("a team key session sees no people pages", async ({ page, team }) => {
  await signIn(page, team);
  await expect(page.getByRole("banner")).toContainText("team API key");
  for (const section of ["Members", "API keys", "Account"]) {
    await expect(page.getByRole("link", { name: section })).toHaveCount(0);
  }
  await expect(page.getByLabel("Your name")).toBeVisible();
});
