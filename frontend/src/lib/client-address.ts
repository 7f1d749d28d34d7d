/**
 * The browser's socket address, written by client-address.cjs (preloaded into the
 * web server) into this header on every request, replacing any value the browser
 * sent under the same name. Pure: the proxy reads it too.
 */
export const CLIENT_ADDRESS_HEADER = "x-looped-client-address";

/**
 * What the API reads the client's address from. The API believes it only from the
 * web server's address (`FORWARDED_ALLOW_IPS`), so its per-address limits count
 * each browser, not the web server, and no browser can choose its own.
 */
export function forwardedFor(requestHeaders: Headers): Record<string, string> {
  const address = requestHeaders.get(CLIENT_ADDRESS_HEADER);
  return address ? { "X-Forwarded-For": address } : {};
}
