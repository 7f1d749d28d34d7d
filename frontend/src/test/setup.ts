import { cleanup } from "@testing-library/react";
import { afterEach, vi } from "vitest";

// Every test starts from an empty page, fresh mocks and the real globals.
afterEach(() => {
  cleanup();
  vi.clearAllMocks();
  vi.unstubAllGlobals();
});
