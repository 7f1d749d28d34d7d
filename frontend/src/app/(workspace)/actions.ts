"use server";

import { redirect } from "next/navigation";
import { formText } from "@/lib/form-state";
import { keepSession, requireViewer } from "@/lib/server-api";

/** Opens another of the person's teams; a team they are not in is ignored. */
export async function switchTeam(form: FormData): Promise<void> {
  const { session, me } = await requireViewer();
  const team = formText(form, "team");
  if (me?.memberships.some((membership) => membership.team.name === team)) {
    await keepSession({ ...session, team });
  }
  redirect("/posts");
}
