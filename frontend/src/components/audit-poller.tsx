"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { type AuditStatus, getAudit } from "@/client";
import { useApi } from "@/lib/use-api";

const POLL_INTERVAL_MS = 1000;

type Props = { team: string; auditId: string; status: AuditStatus };

/**
 * Asks for the audit every second while it waits or runs, and re-renders the page
 * from the server once its status moves: the server renders the findings.
 */
export function AuditPoller({ team, auditId, status }: Props) {
  const api = useApi();
  const router = useRouter();

  useEffect(() => {
    let stopped = false;
    const timer = setInterval(async () => {
      const result = await api(() => getAudit({ path: { team, audit_id: auditId } }));
      if (stopped) {
        return;
      }
      // A failed poll (rate limit, network) is simply tried again next tick.
      if (result.ok && result.data.audit.status !== status) {
        stopped = true;
        clearInterval(timer);
        router.refresh();
      }
    }, POLL_INTERVAL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [api, router, team, auditId, status]);

  return null;
}
