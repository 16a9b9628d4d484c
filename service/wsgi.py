"""The WSGI entry point for gunicorn: refuses to start, with one JSON line, on bad content."""

import logging
import sys

from .app import create_app
from .domain import ContentError
from .logs import json_formatter

try:
    app = create_app()
except ContentError as error:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(json_formatter())
    log = logging.getLogger("service.startup")
    log.addHandler(handler)
    log.propagate = False  # under gunicorn the root logger prints JSON to stdout as well
    log.critical(
        f"refusing to start: invalid content: {error}",
        extra={"file": error.file, "item": error.item, "field": error.field},
    )
    sys.exit(3)
