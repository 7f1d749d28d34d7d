import { redirect } from "next/navigation";
import { getSession } from "@/lib/server-api";

// Depends on the visitor's cookie, so never prerendered.
export const dynamic = "force-dynamic";

export default async function Home() {
  redirect((await getSession()) ? "/posts" : "/sign-in");
}
