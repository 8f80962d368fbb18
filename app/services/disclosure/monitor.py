"""The deadline monitor: items due soon or overdue, and the figures /metrics exposes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, select

from app.extensions import db
from app.models import DisclosureBatch, DisclosureItem, Listing
from app.services.base.context import calendar, today
from app.services.base.paging import page_of

UNDELIVERED = ("pending", "claimed")


def due_items(which: str, category: str | None, page: int, per_page: int) -> tuple[list[Any], int]:
    """Undelivered items that are ``overdue`` (deadline before today) or due ``soon``
    (today up to the next working day), most urgent first."""
    horizon = calendar().add_workdays(today(), 1).day
    query = select(DisclosureItem).where(DisclosureItem.status.in_(UNDELIVERED))
    if which == "overdue":
        query = query.where(DisclosureItem.due_by < today())
    else:
        query = query.where(DisclosureItem.due_by >= today(), DisclosureItem.due_by <= horizon)
    if category:
        query = query.where(DisclosureItem.category == category)
    return page_of(query, (DisclosureItem.due_by, DisclosureItem.id), page, per_page)


def figures() -> dict[str, Any]:
    """Counts for /metrics, each by category where it has one."""
    session = db.session
    # Cheap at any size: undelivered items are counted on the (status, category) index; the
    # delivered ones are the item counts of the delivered batches, never a scan of all items.
    items = list(session.execute(
        select(DisclosureItem.category, DisclosureItem.status, func.count())
        .where(DisclosureItem.status.in_(UNDELIVERED))
        .group_by(DisclosureItem.category, DisclosureItem.status)
    ).all())
    items += session.execute(
        select(DisclosureBatch.category, literal("delivered"),
               func.coalesce(func.sum(DisclosureBatch.item_count), 0))
        .where(DisclosureBatch.status == "delivered")
        .group_by(DisclosureBatch.category)
    ).all()
    overdue = session.execute(
        select(DisclosureItem.category, func.count())
        .where(DisclosureItem.status.in_(UNDELIVERED), DisclosureItem.due_by < today())
        .group_by(DisclosureItem.category)
    ).all()
    batches = session.execute(
        select(DisclosureBatch.category, DisclosureBatch.status, func.count())
        .group_by(DisclosureBatch.category, DisclosureBatch.status)
    ).all()
    blocked = session.scalar(
        select(func.count()).where(
            Listing.status == "active", Listing.expiry_blocked_on.is_not(None)
        )
    )
    return {
        "items": [(c, s, int(n)) for c, s, n in items],
        "overdue": [(c, int(n)) for c, n in overdue],
        "batches": [(c, s, int(n)) for c, s, n in batches],
        "expiry_blocked": int(blocked or 0),
    }
