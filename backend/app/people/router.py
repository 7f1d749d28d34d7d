from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, BackgroundTasks, Depends, Request, status

from app.core.config import Settings, SettingsDep
from app.core.db import (
    OneStatementDep,
    ReadSessionDep,
    SessionDep,
    TransactionRoute,
    across_teams,
)
from app.core.errors import (
    RATE_LIMIT_ERRORS,
    SERVER_ERRORS,
    AppError,
    ValidationFailed,
    error_responses,
)
from app.core.mail import send_mail
from app.core.models import parse_id
from app.people import service
from app.people.dependencies import PEOPLE_ROUTE_ERRORS, PersonDep, member_of
from app.people.exceptions import (
    AlreadyMember,
    DisplayNameRequired,
    EmailTaken,
    InvalidCredentials,
    InvitationInvalid,
    InvitationNotFound,
    LastOwner,
    MemberNotFound,
    PasswordTooShort,
    PersonRequired,
    ResetInvalid,
    SessionNotFound,
    SignUpClosed,
    WrongPassword,
)
from app.people.models import (
    AdminUserCreate,
    Caller,
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationList,
    InvitationPreview,
    InvitationToken,
    Me,
    MemberList,
    MemberUpdate,
    PasswordChange,
    PasswordResetConfirm,
    PasswordResetRequest,
    Role,
    SessionList,
    SignedIn,
    SignIn,
    SignUp,
    UserUpdate,
)
from app.teams.dependencies import ADMIN_ERRORS, client_identity, require_admin
from app.teams.exceptions import TeamNameTaken, Unauthorized

PUBLIC_ERRORS: tuple[type[AppError], ...] = (
    ValidationFailed,
    *RATE_LIMIT_ERRORS,
    *SERVER_ERRORS,
)
PERSON_ERRORS = (Unauthorized, PersonRequired, *PUBLIC_ERRORS)


def _user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


async def _limit_attempts(request: Request, email: str) -> None:
    """Sign-in and reset attempts, counted per email and per client address, so
    neither one address nor a botnet can guess at one account."""
    limiter = request.app.state.auth.sign_in_limiter
    await limiter.check(f"sign-in:{client_identity(request)}")
    await limiter.check(f"sign-in:email:{email}")


def _link(settings: Settings, page: str, token: str) -> str:
    return f"{settings.web_url.rstrip('/')}/{page}?{urlencode({'token': token})}"


auth_router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/auth",
    dependencies=[Depends(across_teams)],
    responses=error_responses(*PUBLIC_ERRORS),
    tags=["auth"],
)


@auth_router.post(
    "/sign-up",
    status_code=status.HTTP_201_CREATED,
    response_model=SignedIn,
    summary="Create an account and a team you own, signed in (when SIGNUP=open)",
    responses=error_responses(*PUBLIC_ERRORS, SignUpClosed, EmailTaken, TeamNameTaken),
)
async def sign_up(
    body: SignUp, request: Request, settings: SettingsDep, session: SessionDep
) -> SignedIn:
    if not settings.signup_open:
        raise SignUpClosed()
    await _limit_attempts(request, body.email)
    return await service.sign_up(
        session,
        settings,
        body.email,
        body.display_name,
        body.password,
        body.team,
        _user_agent(request),
    )


@auth_router.post(
    "/sign-in",
    response_model=SignedIn,
    summary="Sign in with email and password: a new session token each time",
    responses=error_responses(*PUBLIC_ERRORS, InvalidCredentials),
)
async def sign_in(
    body: SignIn, request: Request, settings: SettingsDep, session: SessionDep
) -> SignedIn:
    await _limit_attempts(request, body.email)
    return await service.sign_in(
        session, settings, body.email, body.password, _user_agent(request)
    )


@auth_router.post(
    "/sign-out",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke the session making the request",
    responses=error_responses(*PERSON_ERRORS),
)
async def sign_out(person: PersonDep, session: OneStatementDep) -> None:
    await service.revoke_session(session, person, person.session_id)


@auth_router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Email a password reset link; the answer is the same for every email",
    description="The link is valid for PASSWORD_RESET_MINUTES (default 60) and "
    "works once. Without SMTP settings it is written to the log.",
)
async def request_password_reset(
    body: PasswordResetRequest,
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
    background: BackgroundTasks,
) -> None:
    await _limit_attempts(request, body.email)
    token = await service.request_password_reset(session, settings, body.email)
    if token is not None:
        # Sent after the answer, so its time says nothing about the email.
        background.add_task(
            send_mail,
            settings,
            body.email,
            "Reset your Looped Needle password",
            "To choose a new password, open this link within "
            f"{settings.password_reset_minutes:g} minutes:\n\n"
            f"{_link(settings, 'reset-password', token)}\n\n"
            "If you did not ask for this, ignore this message.",
        )


@auth_router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set a new password with a reset token; every session is signed out",
    responses=error_responses(*PUBLIC_ERRORS, ResetInvalid),
)
async def reset_password(body: PasswordResetConfirm, session: SessionDep) -> None:
    await service.reset_password(session, body.token, body.password)


invitations_router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/invitations",
    dependencies=[Depends(across_teams)],
    responses=error_responses(*PUBLIC_ERRORS, InvitationInvalid),
    tags=["invitations"],
)


@invitations_router.post(
    "/preview",
    response_model=InvitationPreview,
    summary="What an invitation token is for, before accepting it",
)
async def preview_invitation(
    body: InvitationToken, session: ReadSessionDep
) -> InvitationPreview:
    return await service.preview_invitation(session, body.token)


@invitations_router.post(
    "/accept",
    response_model=SignedIn,
    summary="Accept an invitation: join the team, signed in",
    description="With an existing account for the invited email, `password` is "
    "its password; otherwise the account is created with `display_name` and "
    "`password`.",
    responses=error_responses(
        *PUBLIC_ERRORS,
        InvitationInvalid,
        InvalidCredentials,
        DisplayNameRequired,
        PasswordTooShort,
    ),
)
async def accept_invitation(
    body: InvitationAccept,
    request: Request,
    settings: SettingsDep,
    session: SessionDep,
) -> SignedIn:
    await _limit_attempts(request, f"invitation:{body.token[:16]}")
    return await service.accept_invitation(
        session, settings, body, _user_agent(request)
    )


me_router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/me",
    dependencies=[Depends(across_teams)],
    responses=error_responses(*PERSON_ERRORS),
    tags=["me"],
)


@me_router.get("", response_model=Me, summary="Your account and your teams")
async def get_me(person: PersonDep, session: ReadSessionDep) -> Me:
    return await service.me(session, person)


@me_router.patch("", response_model=Me, summary="Change your display name")
async def update_me(body: UserUpdate, person: PersonDep, session: SessionDep) -> Me:
    await service.rename(session, person, body.display_name)
    return await service.me(session, person)


@me_router.post(
    "/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change your password; every other session is signed out",
    responses=error_responses(*PERSON_ERRORS, WrongPassword),
)
async def change_password(
    body: PasswordChange, person: PersonDep, session: SessionDep
) -> None:
    await service.change_password(
        session, person, body.current_password, body.new_password
    )


@me_router.get(
    "/sessions",
    response_model=SessionList,
    summary="Your active sessions, newest first",
)
async def list_sessions(
    person: PersonDep, settings: SettingsDep, session: ReadSessionDep
) -> SessionList:
    return SessionList(sessions=await service.list_sessions(session, settings, person))


@me_router.delete(
    "/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Sign out everywhere: revoke all your sessions, this one included",
)
async def revoke_all_sessions(person: PersonDep, session: OneStatementDep) -> None:
    await service.revoke_all_sessions(session, person)


@me_router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke one of your sessions",
    responses=error_responses(*PERSON_ERRORS, SessionNotFound),
)
async def revoke_session(
    session_id: str, person: PersonDep, session: OneStatementDep
) -> None:
    await service.revoke_session(session, person, parse_id(session_id, SessionNotFound))


members_router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/teams/{team}",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS),
    tags=["members"],
)
PersonMemberDep = Annotated[Caller, Depends(member_of(Role.MEMBER, keys=False))]
PersonAdminDep = Annotated[Caller, Depends(member_of(Role.ADMIN, keys=False))]
PersonOwnerDep = Annotated[Caller, Depends(member_of(Role.OWNER, keys=False))]


@members_router.get(
    "/members", response_model=MemberList, summary="A team's members, oldest first"
)
async def list_members(caller: PersonMemberDep, session: ReadSessionDep) -> MemberList:
    return MemberList(members=await service.list_members(session, caller))


@members_router.patch(
    "/members/{user_id}",
    response_model=MemberList,
    summary="Change a member's role (owners); a team keeps at least one owner",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS, MemberNotFound, LastOwner),
)
async def update_member(
    user_id: str, body: MemberUpdate, caller: PersonOwnerDep, session: SessionDep
) -> MemberList:
    member_id = parse_id(user_id, MemberNotFound)
    return MemberList(
        members=await service.set_role(session, caller, member_id, body.role)
    )


@members_router.delete(
    "/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a member (admins; owners for an owner), or leave the team",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS, MemberNotFound, LastOwner),
)
async def remove_member(
    user_id: str, caller: PersonMemberDep, session: SessionDep
) -> None:
    await service.remove_member(session, caller, parse_id(user_id, MemberNotFound))


@members_router.post(
    "/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationCreated,
    summary="Invite an email with a role (admins; owners to invite an owner)",
    description="The token is shown once; the link is also emailed when SMTP is "
    "set up. It expires after INVITATION_DAYS (default 7) and works once.",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS, AlreadyMember),
)
async def create_invitation(
    body: InvitationCreate,
    caller: PersonAdminDep,
    settings: SettingsDep,
    session: SessionDep,
    background: BackgroundTasks,
) -> InvitationCreated:
    created = await service.invite(session, settings, caller, body)
    inviter = caller.person.display_name if caller.person else "An admin"
    background.add_task(
        send_mail,
        settings,
        body.email,
        f"Join {caller.team_name} on Looped Needle",
        f"{inviter} invited you to the team {caller.team_name} as {body.role}.\n\n"
        f"Accept within {settings.invitation_days:g} days:\n\n"
        f"{_link(settings, 'invite', created.token)}\n",
    )
    return created


@members_router.get(
    "/invitations",
    response_model=InvitationList,
    summary="A team's pending invitations (admins)",
)
async def list_invitations(
    caller: PersonAdminDep, session: ReadSessionDep
) -> InvitationList:
    return InvitationList(invitations=await service.list_invitations(session, caller))


@members_router.delete(
    "/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a pending invitation (admins)",
    responses=error_responses(*PEOPLE_ROUTE_ERRORS, InvitationNotFound),
)
async def revoke_invitation(
    invitation_id: str, caller: PersonAdminDep, session: OneStatementDep
) -> None:
    await service.revoke_invitation(
        session, caller, parse_id(invitation_id, InvitationNotFound)
    )


admin_router = APIRouter(
    route_class=TransactionRoute,
    prefix="/v1/users",
    responses=error_responses(*ADMIN_ERRORS, *PUBLIC_ERRORS),
    tags=["admin"],
    dependencies=[Depends(require_admin)],
)


@admin_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Me,
    summary="Create an account, optionally owning a team (created if missing)",
    responses=error_responses(*ADMIN_ERRORS, *PUBLIC_ERRORS, EmailTaken),
)
async def create_user(body: AdminUserCreate, session: SessionDep) -> Me:
    if body.owner_of is None:
        user = await service.create_user(
            session, body.email, body.display_name, body.password
        )
    else:
        user, _ = await service.create_owner(
            session, body.email, body.display_name, body.password, body.owner_of
        )
    return await service.account(session, user.id)
