import { fileURLToPath } from "node:url";

/** Where the servers Playwright starts listen, and the secrets they share with the tests. */
export const API_PORT = 18000;
export const WEB_PORT = 13000;
export const MODEL_PORT = 18100;
export const MAIL_PORT = 18025;
export const API_URL = `http://127.0.0.1:${API_PORT}`;
export const WEB_URL = `http://127.0.0.1:${WEB_PORT}`;

// A test-only value; the API insists on 32+ characters only in production.
export const ADMIN_TOKEN = "e2e-admin-token-not-a-secret-0123456789";

/** Low enough for one test to exhaust it quickly, high enough for the others' pages. */
export const RATE_LIMIT_PER_MINUTE = 120;

const dataDir = fileURLToPath(new URL("../../../backend/.data/e2e", import.meta.url));

/** The loopback SMTP server's maildir: each message the API sends is one file in `new/`. */
export const MAIL_DIR = fileURLToPath(new URL("../../../backend/.data/e2e-mail", import.meta.url));

/** The API's environment; `looped seed` in global-setup.ts uses it to reach the same database. */
export const apiEnv: Record<string, string> = {
  // Always the embedded server, whatever DATABASE_URL the shell has.
  DATABASE_URL: "",
  DATA_DIR: dataDir,
  ENVIRONMENT: "test",
  BUILD_SHA: "e2e-sha",
  ADMIN_TOKEN,
  RATE_LIMIT: `${RATE_LIMIT_PER_MINUTE}/minute`,
  OPENAI_BASE_URL: `http://127.0.0.1:${MODEL_PORT}/v1`,
  OPENAI_MODEL: "test-model",
  AUDIT_POLL_SECONDS: "0.2",
  // Every browser here has the same address (loopback), and so does the web server,
  // whose forwarded addresses the API believes.
  SIGN_IN_LIMIT: "1000/minute",
  FORWARDED_ALLOW_IPS: "127.0.0.1",
  SIGNUP: "open",
  WEB_URL,
  SMTP_HOST: "127.0.0.1",
  SMTP_PORT: String(MAIL_PORT),
  SMTP_SECURITY: "none",
  // The usage page's estimated cost: $1 per million prompt tokens, $4 per million completion.
  MODEL_PRICES: JSON.stringify({ "test-model": { prompt: 1, completion: 4 } }),
};
