import { vi } from "vitest";

/**
 * A stand-in for `next/navigation` in client components' tests:
 * `vi.mock("next/navigation", () => import("@/test/navigation"))`, then assert on `router`.
 */
export const router = { refresh: vi.fn(), push: vi.fn() };

export const useRouter = () => router;
