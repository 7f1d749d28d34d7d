from app.core.errors import AppError


class PostNotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"
    message = "Post not found"


class ParentNotFound(AppError):
    status_code = 404
    code = "PARENT_NOT_FOUND"
    message = "The parent post does not exist in this team"


class AuthorNameRequired(AppError):
    status_code = 422
    code = "VALIDATION_ERROR"
    message = "author_name is required for posts made with a team API key"
