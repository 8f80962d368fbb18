"""Whether an item is marked "异议处理中" (under objection): the one place the public page and
every disclosure item ask. An objection is marked when it was filed (``OBJECTION_MARK`` and
``OBJECTION_MARK_CATEGORIES`` of that day decide) and stays marked while it is open."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, false, or_, select, text
from sqlalchemy.orm import Session

from app.models import Objection
from app.models.objections import OPEN
from app.services.base.context import setting, setting_bool


def mark_applies(category: str) -> bool:
    """Whether an objection to an item of ``category`` ("listing" for a listing) marks it."""
    return setting_bool("OBJECTION_MARK") and category in setting("OBJECTION_MARK_CATEGORIES")


# The open objections' own predicate (that of their partial unique indexes), as literal SQL:
# the public lookup's statement is compiled once and prepared, with no list parameter.
_OPEN_MARKED = and_(text("objections." + OPEN), Objection.marked.is_(True))


def marked(target: Any) -> Any:
    """A column expression: whether the record or listing ``target`` (a condition on the
    objection, e.g. ``Objection.record_id == DisclosureItem.record_id``) is under an open,
    marked objection, for a query that shows it (the public lookup, in its one round trip;
    the partial unique indexes on open objections answer it)."""
    return exists().where(_OPEN_MARKED, target)


def under_objection(session: Session, record_id: int | None, listing_id: int | None) -> bool:
    """Whether a disclosure item of the record, or of the listing, is marked: under an open,
    marked objection."""
    target = or_(Objection.record_id == record_id if record_id is not None else false(),
                 Objection.listing_id == listing_id if listing_id is not None else false())
    return session.scalar(select(Objection.id).where(_OPEN_MARKED, target).limit(1)) is not None
