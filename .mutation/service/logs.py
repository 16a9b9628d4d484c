"""JSON logs: one valid JSON object per line, whatever a client sends, for requests and the app."""

from __future__ import annotations

import logging
import sys
from datetime import timedelta
from typing import Any

from gunicorn.glogging import Logger
from pythonjsonlogger.json import JsonFormatter

# Set by the app on each request's WSGI environ, read back by the access log.
ROUTE_KEY = "metatarsalgia.route"
REQUEST_ID_KEY = "metatarsalgia.request_id"
INVALID_REQUEST = "Invalid request from ip="  # how gunicorn's handle_error begins its warning


def json_formatter() -> logging.Formatter:
    """time, level, logger and message, then any extra fields; non-ASCII escaped."""
    return JsonFormatter(
        "{asctime}{levelname}{name}{message}",
        style="{",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        json_ensure_ascii=True,
    )


class GunicornLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger with every line as JSON on stdout, the app's logs included."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(json_formatter())
        for log in (self.error_log, self.access_log, logging.getLogger()):
            log.handlers = [handler]
        logging.getLogger().setLevel(self.error_log.level)

    def warning(self, msg: str, *args: Any, **kwargs: Any) -> None:
        # gunicorn's "Invalid request from ip=...: <error>" quotes the refused request line,
        # query string and so health answers included: the log keeps the address only.
        if isinstance(msg, str) and msg.startswith(INVALID_REQUEST):
            msg = msg.split(": ", 1)[0] + ": refused before the app (the request is not logged)"
        super().warning(msg, *args, **kwargs)

    # gunicorn's signature, called positionally; the request line stays out of the log.
    def access(
        self, resp: Any, _req: Any, environ: dict[str, Any], request_time: timedelta
    ) -> None:
        # gunicorn's access_log_format builds text by substitution, which is not safe JSON;
        # the fields go through the JSON formatter instead.
        if not self.access_log_enabled:
            return
        self.access_log.info(
            "request",
            extra={
                "method": environ.get("REQUEST_METHOD"),
                "route": environ.get(ROUTE_KEY),
                "status": resp.status_code,
                "duration_ms": round(request_time.total_seconds() * 1000, 3),
                "bytes": getattr(resp, "sent", None),
                "request_id": environ.get(REQUEST_ID_KEY),
            },
        )
