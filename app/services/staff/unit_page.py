"""Everything the staff page of a unit shows, read in one call: the unit, its records and their
disclosure, the active listing with its open request and checklist, proposals awaiting a
decision, the triggers the viewer may fire and why not, and the audit trail with its check."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import (
    AuditEvent,
    EnforcementRecord,
    Listing,
    Objection,
    RestorationRequest,
    Revocation,
    Unit,
)
from app.services.audit.unit_trail import ChainCheck, check_one, unit_events
from app.services.casework.records import disclosure_states, records_of
from app.services.casework.units import get_unit
from app.services.credit.listings import open_request, proposals_of
from app.services.credit.restoration import RestorationSteps, steps_of
from app.services.credit.revocations import revocations_in
from app.services.credit.status import active_listing
from app.services.credit.triggers import TriggerState, trigger_states
from app.services.online.objections import Contestable, contestable, objections_of
from app.workflows.facts import Actor


@dataclass(frozen=True)
class UnitPage:
    """The read model of the unit page."""

    unit: Unit
    records: list[EnforcementRecord]
    disclosure: dict[int, str]  # record id: state of its latest disclosure item
    listing: Listing | None
    open_request: RestorationRequest | None  # the listing's open restoration request
    steps: RestorationSteps | None  # the listing's restoration checklist
    proposals: list[Listing]  # listing proposals awaiting a decision
    revocations: list[Revocation]  # revocation proposals awaiting a decision
    objections: list[Objection]  # every objection of the unit, newest first
    contestable: list[Contestable]  # what the public sees of it, which may be contested
    triggers: list[TriggerState]  # for the viewer
    events: list[AuditEvent]  # newest first
    chain: ChainCheck


def unit_page(uscc: str, viewer: Actor, lang: str = "zh") -> UnitPage:
    """The unit page of ``uscc`` as ``viewer`` sees it (``lang``: of the guard messages)."""
    unit = get_unit(uscc)
    records = records_of(unit.id)
    listing = active_listing(unit.id)
    return UnitPage(
        unit=unit,
        records=records,
        disclosure=disclosure_states([r.id for r in records]),
        listing=listing,
        open_request=open_request(listing.id) if listing else None,
        steps=steps_of(unit, listing) if listing else None,
        proposals=proposals_of(unit.id),
        revocations=revocations_in(unit_id=unit.id),
        objections=objections_of(unit.id),
        contestable=contestable(unit),
        triggers=trigger_states(unit, viewer, lang),
        events=list(reversed(unit_events(unit.id))),
        chain=check_one(unit.id),
    )
