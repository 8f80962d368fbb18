"""creditflow: the credit work of a fire-rescue detachment, as a Flask service.

``create_app`` (``app.factory``) builds it; ``creditflow`` (``app.cli``) runs it.
"""

from app.factory import create_app

__all__ = ["create_app"]
