import { StatusView } from "@/components/status-view";
import { loadSystemStatus } from "@/lib/status";

// A status page must reflect the API as it is now, never as it was at build time.
export const dynamic = "force-dynamic";

export default async function StatusPage() {
  const status = await loadSystemStatus();
  return <StatusView status={status} checkedAt={new Date()} />;
}
