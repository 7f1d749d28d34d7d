import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

const chromiumPath = process.env.CHROMIUM_PATH;
if (!chromiumPath) {
  // Playwright's own browser download is not an option here, so the run needs
  // a system Chromium (e.g. `apt-get install chromium`, then /usr/bin/chromium).
  throw new Error(
    "CHROMIUM_PATH is not set: point it at a Chromium binary, e.g. /usr/bin/chromium",
  );
}

const API_PORT = 18000;
const WEB_PORT = 13000;
const apiUrl = `http://127.0.0.1:${API_PORT}`;
const webUrl = `http://127.0.0.1:${WEB_PORT}`;
const e2eDataDir = fileURLToPath(new URL("../backend/.data/e2e", import.meta.url));
// Both servers may need to migrate or cold-start an embedded database first.
const startupTimeout = 120_000;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: webUrl,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-quic",
            "--disable-sync",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: `../backend/.venv/bin/looped serve --migrate --host 127.0.0.1 --port ${API_PORT}`,
      url: `${apiUrl}/health`,
      env: {
        // Always the embedded server, whatever DATABASE_URL the shell has.
        DATABASE_URL: "",
        DATA_DIR: e2eDataDir,
        ENVIRONMENT: "test",
        BUILD_SHA: "e2e-sha",
      },
      reuseExistingServer: false,
      timeout: startupTimeout,
      // A plain kill would leave the API's embedded PostgreSQL running.
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${WEB_PORT}`,
      url: webUrl,
      env: {
        API_BASE_URL: apiUrl,
        NEXT_TELEMETRY_DISABLED: "1",
      },
      reuseExistingServer: false,
      timeout: startupTimeout,
    },
  ],
});
