import type { CreateClientConfig } from "@/client/client.gen";

export const DEFAULT_API_BASE_URL = "http://127.0.0.1:8000";

type Runtime = {
  isServer: boolean;
  apiBaseUrl?: string;
};

/**
 * The browser gets '' so its calls stay same-origin and reach the API through
 * src/proxy.ts, which forwards them: no API address is baked into the bundle.
 */
export function resolveBaseUrl({ isServer, apiBaseUrl }: Runtime): string {
  if (!isServer) {
    return "";
  }
  return apiBaseUrl?.replace(/\/+$/, "") || DEFAULT_API_BASE_URL;
}

export const createClientConfig: CreateClientConfig = (config) => {
  const isServer = typeof window === "undefined";
  return {
    ...config,
    baseUrl: resolveBaseUrl({
      isServer,
      apiBaseUrl: isServer ? process.env.API_BASE_URL : undefined,
    }),
  };
};
