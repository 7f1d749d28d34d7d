/**
 * The web app's response headers. The static ones go on every answer, the static
 * files included (next.config.ts); the policy carries a fresh nonce per page, so
 * src/proxy.ts writes it.
 */
export const STATIC_SECURITY_HEADERS: ReadonlyArray<{ key: string; value: string }> = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  // For browsers that predate CSP's frame-ancestors.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=()" },
];

/** Two years, as the HSTS preload list recommends, once a browser has seen the app over https. */
export const STRICT_TRANSPORT_SECURITY = "max-age=63072000; includeSubDomains";

type PolicyOptions = { nonce: string; development: boolean; https: boolean };

/**
 * Scripts run only with this response's nonce; 'strict-dynamic' lets the scripts
 * Next.js loads with it load their chunks. React sets `style` attributes, which
 * nonces cannot cover, so styles stay inline-capable: they cannot run code.
 * `next dev` evaluates its modules, hence 'unsafe-eval' there and only there.
 */
export function contentSecurityPolicy({ nonce, development, https }: PolicyOptions): string {
  const scripts = [`'self'`, `'nonce-${nonce}'`, `'strict-dynamic'`];
  if (development) {
    scripts.push(`'unsafe-eval'`);
  }
  const directives = [
    `default-src 'self'`,
    `script-src ${scripts.join(" ")}`,
    `style-src 'self' 'unsafe-inline'`,
    `img-src 'self' data: blob:`,
    `font-src 'self'`,
    `connect-src 'self'`,
    `object-src 'none'`,
    `base-uri 'self'`,
    `form-action 'self'`,
    `frame-ancestors 'none'`,
  ];
  if (https) {
    directives.push("upgrade-insecure-requests");
  }
  return directives.join("; ");
}

/** A base64 nonce from 16 random bytes, through Web Crypto so any runtime has it. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
