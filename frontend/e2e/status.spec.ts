import path from "node:path";
import { expect, type Locator, type Page, test } from "@playwright/test";

function field(region: Locator, label: string): Locator {
  return region.locator("dt", { hasText: new RegExp(`^${label}$`) }).locator("+ dd");
}

function card(page: Page, name: string): Locator {
  return page.getByRole("region", { name });
}

test("the status page reports the API build and a migrated database", async ({
  page,
}, testInfo) => {
  await page.goto("/status");

  await expect(page).toHaveTitle("Looped Needle");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Looped Needle");
  await expect(page.getByRole("status")).toHaveText("All systems operational");

  const api = card(page, "API");
  await expect(field(api, "Status")).toHaveText("ok");
  await expect(field(api, "Build")).toHaveText("e2e-sha");

  const database = card(page, "Database");
  await expect(field(database, "Status")).toHaveText("ok");
  await expect(field(database, "Latency")).toHaveText(/^\d+(\.\d)? ms$/);
  await expect(field(database, "Migration revision")).toHaveText(/\S+/);
  await expect(field(database, "Migration revision")).not.toHaveText("none applied");

  const screenshot = path.join(testInfo.project.outputDir, "screenshots", "status.png");
  await page.screenshot({ path: screenshot, fullPage: true });
  await testInfo.attach("status", { path: screenshot, contentType: "image/png" });
});

test("the status page fits a phone screen", async ({ page }, testInfo) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("/status");

  await expect(field(card(page, "API"), "Build")).toHaveText("e2e-sha");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);

  const screenshot = path.join(testInfo.project.outputDir, "screenshots", "status-phone.png");
  await page.screenshot({ path: screenshot, fullPage: true });
});
