import { defineConfig } from "@hey-api/openapi-ts";

export default defineConfig({
  input: "./openapi.json",
  output: "src/client",
  plugins: [
    {
      name: "@hey-api/client-next",
      runtimeConfigPath: "../lib/api-config",
    },
    "@hey-api/typescript",
    "@hey-api/sdk",
  ],
});
