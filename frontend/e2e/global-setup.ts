import { execFileSync } from "node:child_process";
import { apiEnv } from "./support/servers";

const KEY_LINE = /API key \(shown once, store it now\): (\S+)/;

/**
 * Seeds the demo team into the API's embedded database (the API is up by now: web
 * servers start before global setup) and hands its key to the tests, as an operator
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
}
