import { execFileSync } from "node:child_process";
import { apiEnv } from "./support/servers";

const KEY_LINE = /API key \(shown once, store it now\): (\S+)/;
const OWNER_LINE = /Demo owner: (\S+) \/ (\S+) \(shown once\)/;

/**
 * Seeds the demo team into the API's embedded database (the API is up by now: web
 * servers start before global setup) and hands its key and its owner's password to the tests, as an operator
 * would with `make seed`.
 */
export default function globalSetup() {
  const output = execFileSync("../backend/.venv/bin/looped", ["seed"], {
    env: { ...process.env, ...apiEnv },
    encoding: "utf8",
  });
  const key = KEY_LINE.exec(output)?.[1];
  if (!key) {
    throw new Error(`looped seed printed no API key:\n${output}`);
  }
  process.env.E2E_DEMO_KEY = key;
  const owner = OWNER_LINE.exec(output);
  if (!owner) {
    throw new Error(`looped seed printed no demo owner:\n${output}`);
  }
  process.env.E2E_DEMO_OWNER_EMAIL = owner[1];
  process.env.E2E_DEMO_OWNER_PASSWORD = owner[2];
}
