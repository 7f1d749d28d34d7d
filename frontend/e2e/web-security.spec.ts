import type { Page } from "@playwright/test";
import { expect, signIn, test } from "./support/fixtures";
import { WEB_URL } from "./support/servers";

/** Every CSP violation the page reports, from its first script on. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener("securitypolicyviolation", (event) => {
      seen.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  return () =>
    page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

test("runs the whole app under a nonce policy without a single violation", async ({
  page,
  team,
}) => {
  const violations = await recordViolations(page);
  const response = await page.goto("/sign-in");
  const headers = response?.headers() ?? {};
  const policy = headers["content-security-policy"] ?? "";
  const nonce = policy.match(/'nonce-([^']+)'/)?.[1];
  expect(nonce).toBeTruthy();
  expect(policy).toContain("frame-ancestors 'none'");
  expect(policy.split("; ").find((d) => d.startsWith("script-src"))).not.toContain("unsafe-inline");
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(headers["x-frame-options"]).toBe("DENY");
  // Plain http here: HSTS is for https only.
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Next.js's own scripts carry the nonce (the DOM hides its value from `getAttribute`).
  const scriptNonces = await page
    .locator("script")
    .evaluateAll((scripts) => scripts.map((script) => (script as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));

  // Hydrated and working: sign in, then publish through the proxy's same-origin check.
  await signIn(page, team);
  const form = page.getByRole("region", { name: "New post" });
  await form.getByLabel("Your name").fill("Ada");
  await form.getByLabel("Message").fill("Posted under the content security policy");
  await form.getByRole("button", { name: "Publish post" }).click();
  await expect(form.getByText("Post published.")).toBeVisible();
  expect(await violations()).toEqual([]);
});

test("gives each page load a fresh nonce", async ({ request }) => {
  const nonces = await Promise.all(
    [1, 2].map(async () => {
      const response = await request.get(`${WEB_URL}/sign-in`);
      return response.headers()["content-security-policy"]?.match(/'nonce-([^']+)'/)?.[1];
    }),
  );
  expect(nonces[0]).toBeTruthy();
  expect(nonces[0]).not.toBe(nonces[1]);
});

test("sends HSTS when the app is reached over https", async ({ request }) => {
  const response = await request.get(`${WEB_URL}/sign-in`, {
    headers: { "X-Forwarded-Proto": "https" },
  });
  expect(response.headers()["strict-transport-security"]).toMatch(/^max-age=\d+/);
});

test("forwards team routes only", async ({ page, team }) => {
  await signIn(page, team);
  for (const path of ["/v1/teams", "/v1/docs", "/v1/redoc", "/v1/openapi.json", "/v1/healthz"]) {
    const response = await page.request.get(`${WEB_URL}${path}`);
    expect(response.status(), path).toBe(404);
    expect(await response.json()).toMatchObject({ code: "NOT_FOUND" });
  }
  const posts = await page.request.get(`${WEB_URL}/v1/teams/${team.name}/posts`);
  expect(posts.status()).toBe(200);
});

test("refuses mutations that do not come from the app's own pages", async ({ page, team }) => {
  await signIn(page, team);
  const url = `${WEB_URL}/v1/teams/${team.name}/posts`;
  const data = { author_name: "Mallory", content: "Cross-site", tags: [] };
  const crossOrigin: Record<string, string>[] = [
    { "Sec-Fetch-Site": "same-site" },
    { "Sec-Fetch-Site": "cross-site" },
    { Origin: "http://evil.example" },
    {},
  ];
  for (const headers of crossOrigin) {
    const response = await page.request.post(url, { data, headers });
    expect(response.status(), JSON.stringify(headers)).toBe(403);
    expect(await response.json()).toMatchObject({ code: "FORBIDDEN" });
  }
  const sameOrigin = await page.request.post(url, {
    data: { ...data, author_name: "Ada", content: "Same origin" },
    headers: { Origin: WEB_URL },
  });
  expect(sameOrigin.status()).toBe(201);
  const listed = await page.request.get(url);
  const contents = ((await listed.json()) as { posts: { content: string }[] }).posts.map(
    (post) => post.content,
  );
  expect(contents).toEqual(["Same origin"]);
});
