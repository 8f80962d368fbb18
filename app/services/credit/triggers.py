"""Which credit triggers a given actor may fire on a unit now, and why the others not."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from app.extensions import db
from app.models import Listing, Unit
from app.services.base.context import today
from app.services.credit.listings import open_request
from app.services.credit.status import active_listing, bar_reasons, listing_facts, obligations
from app.workflows import credit
from app.workflows.facts import Actor, CreditFacts, RequestFacts
from app.workflows.messages import render

# Inputs given when the action is taken (a reason, a signed commitment) count as given here:
# the question is whether the unit's situation allows the trigger.
_PENDING_INPUT = {"reason": "…", "commitment_signed": True, "revocation_ground": "reconsideration"}


@dataclass
class TriggerState:
    """One trigger from the current status: allowed or not, and the reasons why not."""

    trigger: str
    allowed: bool
    reasons: list[dict[str, str]] = field(default_factory=list)


def trigger_states(unit: Unit, actor: Actor, lang: str = "zh") -> list[TriggerState]:
    """Every trigger the table defines from the unit's status, evaluated for ``actor``."""
    session = db.session()
    listing = active_listing(unit.id)
    if listing is None:
        listing = session.scalar(
            select(Listing)
            .where(Listing.unit_id == unit.id, Listing.status == "proposed")
            .order_by(Listing.id.desc())
            .limit(1)
        )
    request = open_request(listing.id) if listing is not None else None
    facts = CreditFacts(
        unit.id,
        today(),
        actor,
        listing=listing_facts(listing) if listing else None,
        request=RequestFacts(request.id, request.filed_by, request.commitment_signed)
        if request
        else None,
        obligations=obligations(session, unit.id, listing),
        bar_reasons=tuple(bar_reasons(session, unit.id, listing, today())) if listing else (),
        **_PENDING_INPUT,  # type: ignore[arg-type]
    )
    states = []
    for trigger in credit.triggers_from(unit.credit_status):
        unmet = credit.unmet_guards(trigger, facts)
        reasons = [{"code": u.code, "message": render(u, lang)} for u in unmet]
        states.append(TriggerState(trigger, not unmet, reasons))
    return states
