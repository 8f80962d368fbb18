"""The one error vocabulary of the service layer. The API maps it to HTTP in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a use case raises on purpose; ``code`` is stable for clients."""

    code = "error"

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra


class ValidationFailed(DomainError):
    """The input breaks a rule: the fields and what is wrong with each."""

    code = "validation_failed"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls(message, {field: [message]})


class Unauthorized(DomainError):
    code = "unauthorized"


class Locked(DomainError):
    """Too many failed sign-ins: the account (or access code) is locked for a while."""

    code = "locked"


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    """The request is well-formed, but the current state of things does not allow it."""

    code = "conflict"


class InvalidTransition(Conflict):
    """The credit status does not allow this trigger, or its guards do not hold."""

    code = "invalid_transition"


class StaleVersion(Conflict):
    """Someone else changed the unit meanwhile; reload and try again."""

    code = "stale_version"


class Duplicate(Conflict):
    """A document number (or another unique value) is already taken."""

    code = "duplicate"


# The HTTP status of each kind of error, for the API and the pages alike.
HTTP_STATUS: dict[type[DomainError], int] = {
    Unauthorized: 401,
    Locked: 423,
    ValidationFailed: 422,
    NotFound: 404,
    Forbidden: 403,
    Conflict: 409,
}


def http_status(exc: DomainError) -> int:
    """The HTTP status that answers ``exc`` (400 for an error of no known kind)."""
    return next((s for cls, s in HTTP_STATUS.items() if isinstance(exc, cls)), 400)
