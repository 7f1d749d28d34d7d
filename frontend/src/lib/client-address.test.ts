import { createServer, type IncomingHttpHeaders } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, forwardedFor } from "./client-address";

describe("client-address.cjs", () => {
  it("overwrites the header with the socket's peer before the server sees the request", async () => {
    // As `node --require` loads it into the web server.
    createRequire(import.meta.url)("../../client-address.cjs");
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      response.end();
    });
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
    const { port } = server.address() as AddressInfo;
    try {
      await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [CLIENT_ADDRESS_HEADER]: "203.0.113.7" },
      });
    } finally {
      server.close();
    }
    expect(seen[0][CLIENT_ADDRESS_HEADER]).toBe("127.0.0.1");
  });
});

describe("forwardedFor", () => {
  it("passes the web server's record of the client on, and nothing without one", () => {
    expect(forwardedFor(new Headers({ [CLIENT_ADDRESS_HEADER]: "198.51.100.4" }))).toEqual({
      "X-Forwarded-For": "198.51.100.4",
    });
    expect(forwardedFor(new Headers({ "X-Forwarded-For": "203.0.113.7" }))).toEqual({});
  });
});
