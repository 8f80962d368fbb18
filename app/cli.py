"""The ``creditflow`` command (API.md): a Flask CLI group over the app the factory builds; the
commands themselves are in ``app.commands``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from app.config import ConfigError
from app.factory import create_app
from app.observability import configure_logging


def checked_app() -> Flask:
    """The app with this process's logging (``serve`` and ``scheduler`` name their own
    role), or one line naming the setting that stops it and exit status 2."""
    try:
        app = create_app()
    except ConfigError as exc:
        click.echo(f"creditflow: configuration refused: {exc}", err=True)
        raise SystemExit(2) from None
    configure_logging(app.config, "cli")
    return app


@click.group(cls=FlaskGroup, create_app=checked_app, add_version_option=False)
def main() -> None:
    """creditflow: credit work of a fire-rescue detachment."""


if __name__ == "__main__":
    main()
