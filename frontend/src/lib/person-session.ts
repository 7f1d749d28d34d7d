import { redirect } from "next/navigation";
import { getMe, signOut as revokeSession, type SignedIn } from "@/client";
import { describeProblem, type Problem, settle } from "@/lib/problem";
import { authed, keepSession } from "@/lib/server-api";

const NO_TEAM =
  "Your account is not in any team yet. Ask a team's admin to invite you, then sign in.";

/** Sign-in attempts are limited per email and per address, not per team. */
export function attemptProblem(problem: Problem): string {
  if (problem.kind === "api" && problem.code === "RATE_LIMITED") {
    const wait = problem.retryAfter ? ` in ${problem.retryAfter} seconds` : " in a few minutes";
    return `Too many attempts. Try again${wait}.`;
  }
  return describeProblem(problem).message;
}

/**
 * Opens the workspace for a person who has just signed in, signed up or accepted
 * an invitation: in `team` when given, else in their oldest team. Returns why not
 * when there is no team to open (the new session is then revoked, not kept).
 */
export async function enterWorkspace(signedIn: SignedIn, team?: string): Promise<string> {
  const session = { token: signedIn.token, team: team ?? "" };
  if (!team) {
    const me = await settle(() => getMe(authed(session)));
    if (!me.ok) {
      return attemptProblem(me.problem);
    }
    session.team = me.data.memberships[0]?.team.name ?? "";
  }
  if (!session.team) {
    await settle(() => revokeSession(authed(session)));
    return NO_TEAM;
  }
  await keepSession(session);
  redirect("/posts");
}
