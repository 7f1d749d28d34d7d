"use server";

import { headers } from "next/headers";
import {
  createInvitation,
  type Role,
  removeMember,
  revokeInvitation,
  updateMember,
} from "@/client";
import { type FormState, formText, refusedForm } from "@/lib/form-state";
import { authed, requireSession, submit, write } from "@/lib/server-api";

const PAGE = "/members";
const ROLES: readonly Role[] = ["member", "admin", "owner"];

function role(form: FormData): Role {
  const value = formText(form, "role");
  return ROLES.find((known) => known === value) ?? "member";
}

/** The link as this browser reaches the web app, the way the API's email words it. */
async function inviteLink(token: string): Promise<string> {
  const request = await headers();
  const proto = request.get("x-forwarded-proto") ?? "http";
  return `${proto}://${request.get("host")}/invite?${new URLSearchParams({ token })}`;
}

export async function invite(_previous: FormState, form: FormData): Promise<FormState> {
  const session = await requireSession();
  const email = formText(form, "email");
  const result = await write(PAGE, () =>
    createInvitation({
      ...authed(session),
      path: { team: session.team },
      body: { email, role: role(form) },
    }),
  );
  if (!result.ok) {
    return refusedForm(result.problem);
  }
  return {
    done: `Invited ${email}. The link is emailed when the server sends mail.`,
    secret: { label: "Invitation link", value: await inviteLink(result.data.token) },
  };
}

export async function changeRole(_previous: FormState, form: FormData): Promise<FormState> {
  return submit(PAGE, "Role changed.", (session) =>
    updateMember({
      ...authed(session),
      path: { team: session.team, user_id: formText(form, "user_id") },
      body: { role: role(form) },
    }),
  );
}

export async function remove(_previous: FormState, form: FormData): Promise<FormState> {
  return submit(PAGE, "Removed.", (session) =>
    removeMember({
      ...authed(session),
      path: { team: session.team, user_id: formText(form, "user_id") },
    }),
  );
}

export async function withdraw(_previous: FormState, form: FormData): Promise<FormState> {
  return submit(PAGE, "Invitation revoked.", (session) =>
    revokeInvitation({
      ...authed(session),
      path: { team: session.team, invitation_id: formText(form, "invitation_id") },
    }),
  );
}
