import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "@playwright/test";
import { MAIL_DIR } from "./servers";

/** A quoted-printable body (long lines are) back to its text. */
function decodeQuotedPrintable(body: string): string {
  return body
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

async function messagesTo(address: string): Promise<string[]> {
  const folder = path.join(MAIL_DIR, "new");
  // Maildir names start with the time of delivery, so sorted is oldest first.
  const names = (await readdir(folder).catch(() => [])).sort();
  const messages = await Promise.all(
    names.map((name) => readFile(path.join(folder, name), "utf8")),
  );
  return messages.filter((message) => new RegExp(`^To: ${address}$`, "im").test(message));
}

/** The first link in the newest message the SMTP server received for `address`. */
export async function linkMailedTo(address: string): Promise<string> {
  let link = "";
  await expect
    .poll(
      async () => {
        const [message] = (await messagesTo(address)).slice(-1);
        link = message ? (/https?:\/\/\S+/.exec(decodeQuotedPrintable(message))?.[0] ?? "") : "";
        return link;
      },
      { message: `no mail with a link reached ${address}` },
    )
    .not.toBe("");
  return link;
}
