"""The WSGI entry point for gunicorn: refuses to start, with one JSON line, on any failure."""

import logging
import sys

from .app import create_app
from .domain import ContentError
from .logs import json_formatter


def _refuse(message: str, **fields: object) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    log = logging.getLogger("service.startup")
    log.addHandler(handler)
    log.propagate = False  # under gunicorn the root logger prints JSON to stdout as well
    log.critical(f"refusing to start: {message}", extra=fields)
    sys.exit(3)


try:
    app = create_app()
except ContentError as error:
    _refuse(f"invalid content: {error}", file=error.file, item=error.item, field=error.field)
except Exception as error:
    _refuse(f"{type(error).__name__}: {error}")
