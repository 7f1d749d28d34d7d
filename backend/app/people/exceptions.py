from app.core.errors import AppError


class InvalidCredentials(AppError):
    status_code = 401
    code = "INVALID_CREDENTIALS"
    # The same for an unknown email, a wrong password and a disabled account.
    message = "The email or password is incorrect"


class SignUpClosed(AppError):
    status_code = 403
    code = "SIGNUP_CLOSED"
    message = "Sign-up is by invitation only"


class PersonRequired(AppError):
    status_code = 403
    code = "PERSON_REQUIRED"
    message = "This needs a person's session, not a team API key"


class RoleRequired(AppError):
    status_code = 403
    code = "ROLE_REQUIRED"
    message = "Your role in this team does not allow this"


class EmailTaken(AppError):
    status_code = 409
    code = "EMAIL_TAKEN"
    message = "An account with this email already exists"


class LastOwner(AppError):
    status_code = 409
    code = "LAST_OWNER"
    message = "A team always keeps at least one owner"


class AlreadyMember(AppError):
    status_code = 409
    code = "ALREADY_MEMBER"
    message = "This person is already a member of the team"


class MemberNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Member not found"


class SessionNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Session not found"


class InvitationNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Invitation not found"


class InvitationInvalid(AppError):
    # 404: to its holder, a token that no longer works names nothing.
    status_code = 404
    code = "INVITATION_INVALID"
    # Unknown, expired, used and revoked alike: the token holder learns nothing more.
    message = "This invitation link is invalid, expired or already used"


class ResetInvalid(AppError):
    status_code = 404
    code = "RESET_INVALID"
    message = "This password reset link is invalid, expired or already used"


class WrongPassword(AppError):
    status_code = 400
    code = "WRONG_PASSWORD"
    message = "The current password is incorrect"


class DisplayNameRequired(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    message = "display_name is required to create an account"


class PasswordTooShort(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    message = "A new account's password needs at least 10 characters"
