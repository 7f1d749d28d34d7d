import type { Metadata } from "next";
import { listInvitations, listMembers, type Role } from "@/client";
import { ActionForm } from "@/components/action-form";
import { PersonOnly } from "@/components/person-only";
import { ProblemView } from "@/components/problem-view";
import { formatTime } from "@/lib/format";
import { authed, managesTeam, read, requireViewer } from "@/lib/server-api";
import { changeRole, invite, remove, withdraw } from "./actions";

export const metadata: Metadata = { title: "Members · Looped Needle" };

const ROLE_LABELS: Record<Role, string> = { member: "Member", admin: "Admin", owner: "Owner" };

/** Admins invite members and admins; only an owner makes another owner. */
function grantable(role: Role | null): Record<string, string> {
  const { owner, ...others } = ROLE_LABELS;
  return role === "owner" ? { ...others, owner } : others;
}

export default async function MembersPage() {
  const { session, me, role } = await requireViewer();
  if (!me) {
    return <PersonOnly title="Members" />;
  }
  const scope = { ...authed(session), path: { team: session.team } };
  const manager = managesTeam(role);
  const [members, invitations] = await Promise.all([
    read(() => listMembers(scope)),
    manager ? read(() => listInvitations(scope)) : null,
  ]);
  return (
    <div className="stack-lg">
      <h1>Members of {session.team}</h1>
      <section className="stack" aria-labelledby="members">
        <h2 id="members">Members</h2>
        {!members.ok ? (
          <ProblemView problem={members.problem} />
        ) : (
          <ul className="entries">
            {members.data.members.map((member) => (
              <li key={member.user_id} className="entry">
                <div>
                  <strong>{member.display_name}</strong>
                  {member.user_id === me.user.id && <span className="muted"> (you)</span>}
                  <div className="muted small">
                    {member.email} · {ROLE_LABELS[member.role]} · joined{" "}
                    {formatTime(member.joined_at)}
                  </div>
                </div>
                {manager && (
                  <div className="row-actions">
                    {role === "owner" && (
                      <ActionForm
                        id={`role-${member.user_id}`}
                        action={changeRole}
                        hidden={{ user_id: member.user_id }}
                        fields={[
                          {
                            name: "role",
                            label: `Role of ${member.display_name}`,
                            options: ROLE_LABELS,
                            defaultValue: member.role,
                          },
                        ]}
                        submit="Change role"
                        quiet
                      />
                    )}
                    {member.user_id !== me.user.id && (
                      <ActionForm
                        id={`remove-${member.user_id}`}
                        action={remove}
                        hidden={{ user_id: member.user_id }}
                        submit={`Remove ${member.display_name}`}
                        pendingLabel="Removing…"
                        quiet
                      />
                    )}
                  </div>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {invitations && (
        <>
          <section className="card" aria-labelledby="invite">
            <h2 id="invite">Invite someone</h2>
            <ActionForm
              id="invite"
              action={invite}
              fields={[
                { name: "email", label: "Email", type: "email", autoComplete: "off" },
                { name: "role", label: "Role", options: grantable(role), defaultValue: "member" },
              ]}
              submit="Send invitation"
              pendingLabel="Inviting…"
            />
          </section>
          <section className="stack" aria-labelledby="pending">
            <h2 id="pending">Pending invitations</h2>
            {!invitations.ok ? (
              <ProblemView problem={invitations.problem} />
            ) : invitations.data.invitations.length === 0 ? (
              <p className="empty">No invitations are waiting.</p>
            ) : (
              <ul className="entries">
                {invitations.data.invitations.map((invitation) => (
                  <li key={invitation.id} className="entry">
                    <div>
                      <strong>{invitation.email}</strong>
                      <div className="muted small">
                        {ROLE_LABELS[invitation.role]} · expires {formatTime(invitation.expires_at)}
                      </div>
                    </div>
                    <ActionForm
                      id={`withdraw-${invitation.id}`}
                      action={withdraw}
                      hidden={{ invitation_id: invitation.id }}
                      submit={`Revoke the invitation for ${invitation.email}`}
                      pendingLabel="Revoking…"
                      quiet
                    />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
