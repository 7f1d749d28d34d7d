/**
 * Preloaded into the web server (`node --require ./client-address.cjs`): before
 * Next.js sees a request, its socket's peer address is written into one header,
 * replacing whatever the browser sent under that name. The proxy and the server's
 * API calls pass it on as X-Forwarded-For; Next.js itself exposes no socket peer.
 */
const { subscribe } = require("node:diagnostics_channel");

subscribe("http.server.request.start", ({ request }) => {
  request.headers["x-looped-client-address"] = request.socket.remoteAddress ?? "";
});
