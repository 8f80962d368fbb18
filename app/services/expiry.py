"""The daily expiry sweep: end listings at their maximum publicity period where the obligations
are met; flag the others for staff (the listing stays, as the rules require)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select, update

from app.database import unit_of_work
from app.errors import InvalidTransition
from app.extensions import db
from app.models import Listing, Unit
from app.services.context import today
from app.services.listings import expire_listing
from app.workflows.facts import Actor

SYSTEM = Actor(None, "scheduler", "system")


@dataclass
class SweepResult:
    expired: list[str] = field(default_factory=list)
    blocked: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{len(self.expired)} expired, {len(self.blocked)} blocked"


def sweep_expired_listings() -> SweepResult:
    """Expire every active listing past its maximum period, or say why it cannot be."""
    due = db.session.execute(
        select(Listing.id, Unit.uscc)
        .join(Unit, Unit.id == Listing.unit_id)
        .where(Listing.status == "active", Listing.max_until <= today())
        .order_by(Listing.id)
    ).all()
    db.session.rollback()
    result = SweepResult()
    for listing_id, uscc in due:
        try:
            expire_listing(SYSTEM, uscc)
            result.expired.append(uscc)
        except InvalidTransition as exc:
            result.blocked[uscc] = exc.message
            with unit_of_work() as session:
                session.execute(
                    update(Listing)
                    .where(Listing.id == listing_id, Listing.status == "active")
                    .values(expiry_blocked_on=today(), expiry_blocked_reason=exc.message)
                )
    return result
