import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import {
  API_PORT,
  API_URL,
  apiEnv,
  MAIL_DIR,
  MAIL_PORT,
  MODEL_PORT,
  WEB_PORT,
  WEB_URL,
} from "./e2e/support/servers";

const chromiumPath = process.env.CHROMIUM_PATH;
if (!chromiumPath) {
  // Playwright's own browser download is not an option here, so the run needs
  // a system Chromium (e.g. `apt-get install chromium`, then /usr/bin/chromium).
  throw new Error(
    "CHROMIUM_PATH is not set: point it at a Chromium binary, e.g. /usr/bin/chromium",
  );
}

// Both servers may need to migrate or cold-start an embedded database first.
const startupTimeout = 120_000;

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  globalSetup: "./e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  use: {
    baseURL: WEB_URL,
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
      // The backend suite's scripted OpenAI-compatible server: audits get real findings.
      command: `cd ../backend && .venv/bin/python -m tests.support.model_server --port ${MODEL_PORT}`,
      port: MODEL_PORT,
      reuseExistingServer: false,
      timeout: startupTimeout,
    },
    {
      // A real SMTP server on loopback (aiosmtpd) keeping each message in a maildir.
      command: `rm -rf ${MAIL_DIR} && mkdir -p ${path.dirname(MAIL_DIR)} && cd ../backend && .venv/bin/python -m aiosmtpd -n -l 127.0.0.1:${MAIL_PORT} -c aiosmtpd.handlers.Mailbox ${MAIL_DIR}`,
      port: MAIL_PORT,
      reuseExistingServer: false,
      timeout: startupTimeout,
    },
    {
      command: `../backend/.venv/bin/looped serve --migrate --host 127.0.0.1 --port ${API_PORT}`,
      url: `${API_URL}/health`,
      env: apiEnv,
      reuseExistingServer: false,
      timeout: startupTimeout,
      // A plain kill would leave the API's embedded PostgreSQL running.
      gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    },
    {
      command: `npx next start -H 127.0.0.1 -p ${WEB_PORT}`,
      url: WEB_URL,
      env: {
        API_BASE_URL: API_URL,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_OPTIONS: "--require ./client-address.cjs",
      },
      reuseExistingServer: false,
      timeout: startupTimeout,
    },
  ],
});
