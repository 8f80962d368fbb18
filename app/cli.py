"""The ``creditflow`` command (API.md): a Flask CLI group over the app the factory builds; the
commands themselves are in ``app.commands``."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from app.factory import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """creditflow: credit work of a fire-rescue detachment."""


if __name__ == "__main__":
    main()
