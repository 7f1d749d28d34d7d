"""Outgoing mail over SMTP (aiosmtplib), or into the log when no server is set:
development then shows the links it would have sent."""

import logging
from email.message import EmailMessage

import aiosmtplib

from app.core.config import Settings

logger = logging.getLogger("app.mail")


async def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Sends one message; a failure is logged, never raised: the mail goes out
    after the answer, which must not depend on whether it could be delivered."""
    if not settings.smtp_host:
        logger.warning(
            "SMTP_HOST is not set; the mail is logged instead of sent",
            extra={"mail_to": to, "mail_subject": subject, "mail_body": body},
        )
        return
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    password = (
        settings.smtp_password.get_secret_value() if settings.smtp_password else None
    )
    try:
        await aiosmtplib.send(
            message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username or None,
            password=password,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            timeout=settings.smtp_timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        logger.error(
            "could not send mail",
            extra={"mail_to": to, "mail_subject": subject, "error": str(error)},
        )
