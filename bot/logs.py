"""Logging for the service's processes: one line per record, readable text or JSON.

Our own modules log pseudonyms, ids and counts, never message text or phone numbers above
DEBUG. Libraries are held to the same rule here: below DEBUG the HTTP clients' request lines
(the Telegram Bot API URL carries the bot token, Twilio's client logs every request) are
quietened to WARNING, and the web server's access lines lose their query strings (the web
chat's poll carries the session id).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

QUIET = ("httpx", "httpcore", "twilio", "telegram", "aiohttp")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and exc for a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


class NoQueryString(logging.Filter):
    """uvicorn's access line without the query string: ``GET /chat/poll`` rather than its ids."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configure(level: str = "INFO", fmt: str = "text") -> None:
    """Set up the root logger (idempotent: a second call replaces the handler)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.getLevelName(level) > logging.DEBUG
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING if quiet else logging.NOTSET)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, NoQueryString) for f in access.filters):
        access.addFilter(NoQueryString())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn's own handlers are not installed (log_config=None): ours format its lines
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
        # their levels stay as the server set them (`uvicorn --log-level`): startup and
        # shutdown lines carry no personal data and tell operators (and scripts) it is up
