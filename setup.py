"""The wheel carries the migrations: ``migrations/`` of the checkout is copied into the built
package as ``app/migrations``, so an installed creditflow (a wheel, an intranet's wheelhouse)
runs ``creditflow db upgrade`` without the source tree. Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithMigrations(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "app" / "migrations"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(Path(__file__).parent / "migrations", target,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithMigrations})
