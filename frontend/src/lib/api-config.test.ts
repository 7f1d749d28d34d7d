import { afterEach, describe, expect, it, vi } from "vitest";
import { createClientConfig, DEFAULT_API_BASE_URL, resolveBaseUrl } from "./api-config";

describe("resolveBaseUrl", () => {
  it("keeps browser calls same-origin whatever the server knows", () => {
    expect(resolveBaseUrl({ isServer: false, apiBaseUrl: "http://api.internal:8000" })).toBe("");
  });

  it("uses API_BASE_URL on the server, without a trailing slash", () => {
    expect(resolveBaseUrl({ isServer: true, apiBaseUrl: "http://127.0.0.1:18000/" })).toBe(
      "http://127.0.0.1:18000",
    );
  });

  it("falls back to the local API when API_BASE_URL is unset or empty", () => {
    expect(resolveBaseUrl({ isServer: true })).toBe(DEFAULT_API_BASE_URL);
    expect(resolveBaseUrl({ isServer: true, apiBaseUrl: "" })).toBe(DEFAULT_API_BASE_URL);
  });
});

describe("createClientConfig", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("reads API_BASE_URL when running on the server", () => {
    vi.stubEnv("API_BASE_URL", "http://127.0.0.1:18000");
    expect(createClientConfig({}).baseUrl).toBe("http://127.0.0.1:18000");
  });
});
