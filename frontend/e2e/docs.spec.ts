import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { API_URL } from "./support/servers";

/**
 * Cuts the page off from every origin but the API's, as if offline, and returns
 * what it tried to reach elsewhere.
 */
async function offline(page: Page): Promise<string[]> {
  const elsewhere: string[] = [];
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === API_URL || url.startsWith("data:") || url.startsWith("blob:")) {
      return route.continue();
    }
    elsewhere.push(url);
    return route.abort("internetdisconnected");
  });
  return elsewhere;
}

/** What the page's Content-Security-Policy stopped, as the console reports it. */
function violations(page: Page): string[] {
  const refused: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().includes("Content Security Policy")) {
      refused.push(message.text());
    }
  });
  return refused;
}

test("Swagger UI renders offline from the API's own files", async ({ page }) => {
  const elsewhere = await offline(page);
  const refused = violations(page);
  await page.goto(`${API_URL}/v1/docs`);
  await expect(page.locator(".swagger-ui .info .title")).toContainText("Looped Needle API");
  await expect(page.locator(".opblock-summary-path").first()).toBeVisible();
  expect(elsewhere).toEqual([]);
  expect(refused).toEqual([]);
});

test("ReDoc renders offline from the API's own files", async ({ page }) => {
  const elsewhere = await offline(page);
  const refused = violations(page);
  await page.goto(`${API_URL}/v1/redoc`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Looped Needle API");
  // The operation's heading carries its anchor link as well, so match its text only.
  await expect(
    page
      .getByRole("heading", { level: 2 })
      .filter({ hasText: "List a team's posts, newest first" }),
  ).toBeVisible();
  expect(elsewhere).toEqual([]);
  // Only Redocly's logo, which the policy keeps from reaching its CDN.
  expect(refused.filter((text) => !text.includes("https://cdn.redoc.ly/"))).toEqual([]);
});
