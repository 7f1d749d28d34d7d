"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { AuditStatus } from "@/client";
import { eventIdAt, followAuditChanges } from "@/lib/audit-events";

type Props = { team: string; auditId: string; status: AuditStatus; updatedAt: string };

/**
 * Follows the team's live audit changes while this audit waits or runs, and
 * re-renders the page from the server when its status moves: the server renders
 * the findings. One stream, no polling: the key's request budget is spent once.
 */
export function AuditLive({ team, auditId, status, updatedAt }: Props) {
  const router = useRouter();
  const shown = useRef(status);
  const since = useRef(eventIdAt(updatedAt));
  shown.current = status;

  useEffect(() => {
    const controller = new AbortController();
    void followAuditChanges({
      team,
      since: since.current,
      signal: controller.signal,
      onChange: (change) => {
        if (change.id === auditId && change.status !== shown.current) {
          shown.current = change.status;
          router.refresh();
        }
      },
    });
    return () => controller.abort();
  }, [team, auditId, router]);

  return null;
}
