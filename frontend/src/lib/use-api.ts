"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { isSignedOut, type Problem, type Result, type SdkResult, settle } from "@/lib/problem";
import { EXPIRED_PATH } from "@/lib/session";

/**
 * Browser calls through the generated client (same-origin /v1, the proxy adds the
 * key: no `auth` here, the key never reaches client JavaScript). A 401 sends the
 * user to sign in again, as server reads do.
 */
export function useApi() {
  const router = useRouter();
  return useCallback(
    async <T>(call: () => Promise<SdkResult<T>>): Promise<Result<T>> => {
      const result = await settle(call);
      if (!result.ok && isSignedOut(result.problem)) {
        router.push(EXPIRED_PATH);
      }
      return result;
    },
    [router],
  );
}

export type Mutation = {
  /**
   * Sends one write. On success `onSuccess` runs first (navigate, clear inputs, say
   * so), then the page is re-rendered from the server; on failure the problem is kept
   * for the component to show until the next attempt.
   */
  run: <T>(call: () => Promise<SdkResult<T>>, onSuccess?: (data: T) => void) => Promise<Result<T>>;
  /** True while a write is in flight: forms disable their buttons. */
  pending: boolean;
  /** Why the last write failed; null before the first and after a success. */
  problem: Problem | null;
};

/** The pending / problem / refresh round of every form and button that writes. */
export function useMutation(): Mutation {
  const api = useApi();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const run = useCallback(
    async <T>(call: () => Promise<SdkResult<T>>, onSuccess?: (data: T) => void) => {
      setPending(true);
      const result = await api(call);
      setPending(false);
      setProblem(result.ok ? null : result.problem);
      if (result.ok) {
        onSuccess?.(result.data);
        router.refresh();
      }
      return result;
    },
    [api, router],
  );

  return { run, pending, problem };
}
