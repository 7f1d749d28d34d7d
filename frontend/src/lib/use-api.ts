"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";
import { isSignedOut, type Result, type SdkResult, settle } from "@/lib/problem";
import { EXPIRED_PATH } from "@/lib/session";

/**
 * Browser calls through the generated client (same-origin /v1, the proxy adds the
 * key). A 401 sends the user to sign in again, as server reads do.
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
