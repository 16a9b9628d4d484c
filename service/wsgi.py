"""The WSGI entry point for gunicorn: refuses to start, with a one-line reason, on bad content."""

import sys

from .app import create_app
from .domain import ContentError

try:
    app = create_app()
except ContentError as error:
    print(f"refusing to start: invalid content: {error}", file=sys.stderr)
    sys.exit(3)
