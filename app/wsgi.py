"""The web service for a WSGI server (``gunicorn app.wsgi:application``), on hosts where the
scheduler runs as its own process (``creditflow scheduler``) and the database is upgraded by
``creditflow db upgrade`` before the workers start (docs/deploy.md). Nothing starts here."""

from __future__ import annotations

import sys

from app.config import ConfigError
from app.factory import create_app
from app.observability import configure_logging

try:
    application = create_app()
except ConfigError as exc:  # one line naming the setting; gunicorn then stops (status 3)
    print(f"creditflow: configuration refused: {exc}", file=sys.stderr, flush=True)
    raise SystemExit(3) from None

configure_logging(application.config, "web")
