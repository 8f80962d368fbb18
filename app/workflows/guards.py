"""Guard functions of the credit state machine.

Each guard takes ``CreditFacts`` and returns ``None`` when it holds, or an ``Unmet`` saying
what is missing in words a person can act on (codes are stable; texts live in messages.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from app.workflows import policy, vocabulary
from app.workflows.facts import (
    SANCTION_CATEGORIES,
    Actor,
    BasisRecord,
    CreditFacts,
    ObjectionFacts,
    ProposalFacts,
    RecordFacts,
    RequestFacts,
    ReversalFacts,
)

REVOCATION_GROUNDS = vocabulary.REVOCATION_GROUNDS.values
FOR_UNIT = (policy.UNIT, *policy.WORKERS)


@dataclass(frozen=True)
class Unmet:
    """A guard that does not hold: a stable code and the values its message needs."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


Guard = Callable[[CreditFacts], Unmet | None]


class Decision(Protocol):
    """What the guards shared by every machine look at: who acts, on which request, why."""

    @property
    def actor(self) -> Actor: ...
    @property
    def request(self) -> RequestFacts | None: ...
    @property
    def commitment_signed(self) -> bool: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def bar_reasons(self) -> tuple[str, ...]: ...


def proposal_awaits_decision(f: CreditFacts) -> Unmet | None:
    if f.listing is None or f.listing.status != "proposed":
        return Unmet("no_pending_proposal")
    return None


def basis_is_own_sanction(f: CreditFacts) -> Unmet | None:
    basis = f.listing.basis if f.listing else ()
    usable = [
        r
        for r in basis
        if r.unit_id == f.unit_id and r.category in SANCTION_CATEGORIES and r.status == "active"
    ]
    if not basis or len(usable) != len(basis):
        return Unmet("basis_not_own_sanction")
    return None


def level_fits(level: str, allowed: tuple[str, ...],
               basis: Iterable[BasisRecord]) -> Unmet | None:
    """Whether ``basis`` allows a listing of ``level``: one of its records is of a kind in
    ``allowed`` (LISTING_BASIS; empty: no rule)."""
    if not allowed or any(r.grade in allowed for r in basis):
        return None

    def zh(grade: str) -> str:
        words = vocabulary.TIERS if grade in vocabulary.TIERS else vocabulary.CATEGORIES
        return words.zh(grade)

    return Unmet("level_exceeds_basis", {
        "level": level, "level_zh": vocabulary.TIERS.zh(level),
        "allowed": ", ".join(a.replace("_", " ") for a in allowed),
        "allowed_zh": "、".join(zh(a) for a in allowed)})


def level_fits_basis(f: CreditFacts) -> Unmet | None:
    """A listing is no graver than its gravest basis (LISTING_BASIS; 国办发〔2020〕49号)."""
    listing = f.listing
    if listing is None:
        return None
    return level_fits(listing.level, listing.allowed_basis, listing.basis)


def decider_is_supervisor(f: Decision) -> Unmet | None:
    """The decisions the policy gives to supervisors (``policy.SUPERVISORS``)."""
    return None if f.actor.role in policy.SUPERVISORS else Unmet("supervisor_required")


def approver_is_not_proposer(f: CreditFacts) -> Unmet | None:
    if f.listing is not None and f.actor.id == f.listing.proposed_by:
        return Unmet("approver_is_proposer")
    return None


def minimum_period_passed(f: CreditFacts) -> Unmet | None:
    if f.listing is None:
        return Unmet("no_active_listing")
    if f.today < f.listing.min_until:
        return Unmet("minimum_period_not_passed", {"earliest": f.listing.min_until.isoformat()})
    return None


def restoration_not_barred(f: Decision) -> Unmet | None:
    return Unmet("restoration_barred", {"reasons": list(f.bar_reasons)}) if f.bar_reasons else None


def commitment_signed(f: Decision) -> Unmet | None:
    signed = f.request.commitment_signed if f.request else f.commitment_signed
    return None if signed else Unmet("commitment_not_signed")


def reviewer_is_not_preparer(f: Decision) -> Unmet | None:
    if (
        f.request is not None
        and f.request.filed_by is not None
        and f.actor.id == f.request.filed_by
    ):
        return Unmet("reviewer_is_preparer")
    return None


def fines_paid(f: CreditFacts) -> Unmet | None:
    if f.obligations.fines_paid:
        return None
    return Unmet("fines_unpaid", {"outstanding": str(f.obligations.fine_outstanding)})


def hazards_rectified(f: CreditFacts) -> Unmet | None:
    if f.obligations.hazards_rectified:
        return None
    return Unmet(
        "hazards_unrectified",
        {
            "hazards": f.obligations.hazards_outstanding,
            "measures": f.obligations.measures_in_force,
        },
    )


def reason_given(f: Decision) -> Unmet | None:
    return None if f.reason and f.reason.strip() else Unmet("reason_required")


def acted_for_unit(f: Decision) -> Unmet | None:
    """The unit itself, or staff who do casework on its behalf."""
    return None if f.actor.role in FOR_UNIT else Unmet("not_for_unit")


def maximum_period_passed(f: CreditFacts) -> Unmet | None:
    if f.listing is None:
        return Unmet("no_active_listing")
    if f.today < f.listing.max_until:
        return Unmet("maximum_period_not_passed", {"ends": f.listing.max_until.isoformat()})
    return None


def basis_found_unlawful(f: CreditFacts) -> Unmet | None:
    if f.revocation_ground not in REVOCATION_GROUNDS:
        return Unmet("revocation_ground_required", {"grounds": list(REVOCATION_GROUNDS)})
    if f.revocation_ground == "basis_revoked":
        basis = f.listing.basis if f.listing else ()
        if not any(r.status == "revoked" for r in basis):
            return Unmet("basis_not_revoked")
    return None


# --- a penalty record's publicity (终止公示行政处罚信息) ---------------------------------


def record_published(f: RecordFacts) -> Unmet | None:
    return None if f.published else Unmet("record_not_published")


def record_minimum_passed(f: RecordFacts) -> Unmet | None:
    if f.min_until is None:
        return Unmet("record_not_restorable")
    if f.today < f.min_until:
        return Unmet("record_minimum_not_passed", {"earliest": f.min_until.isoformat()})
    return None


def record_maximum_passed(f: RecordFacts) -> Unmet | None:
    if f.max_until is None:
        return Unmet("record_not_restorable")
    if f.today < f.max_until:
        return Unmet("record_maximum_not_passed", {"ends": f.max_until.isoformat()})
    return None


def record_fine_paid(f: RecordFacts) -> Unmet | None:
    if f.fine_outstanding <= 0:
        return None
    return Unmet("fines_unpaid", {"outstanding": str(f.fine_outstanding)})


def record_reinspection_passed(f: RecordFacts) -> Unmet | None:
    """A 三停's publicity ends early only after the re-inspection passed (消防法 第70条)."""
    if not f.reinspection_needed or f.reinspection:
        return None
    return Unmet("reinspection_not_passed")


def record_revoked(f: RecordFacts) -> Unmet | None:
    return None if f.revoked else Unmet("record_not_revoked")


# --- a revocation proposal (four eyes on every reversal) ----------------------------------


def second_person(f: ReversalFacts | ProposalFacts) -> Unmet | None:
    """No one person lists a unit or reverses a decision: whoever proposed it cannot decide."""
    return Unmet("approver_is_proposer") if f.actor.id == f.proposed_by else None


def target_still_stands(f: ReversalFacts) -> Unmet | None:
    """The listing is still active, or the record still in force."""
    return None if f.target_stands else Unmet("revocation_target_ended")


def target_has_ended(f: ReversalFacts) -> Unmet | None:
    return None if not f.target_stands else Unmet("revocation_target_stands")


# --- an objection (异议) ----------------------------------------------------------------


def decider_is_staff_worker(f: ObjectionFacts) -> Unmet | None:
    return None if f.actor.role in policy.WORKERS else Unmet("staff_worker_required")


def decider_did_not_enter_it(f: ObjectionFacts) -> Unmet | None:
    """Four eyes: whoever entered the contested record (or proposed the listing), or filed
    the objection for the unit, does not decide it."""
    if f.actor.id is not None and f.actor.id in (f.entered_by, f.filed_by):
        return Unmet("objection_decider_involved")
    return None


def withdrawer_did_not_enter_it(f: ObjectionFacts) -> Unmet | None:
    """Four eyes on a withdrawal too: staff who entered the contested record (or proposed the
    listing), or filed the objection, do not withdraw it for the unit (the unit itself may)."""
    if f.actor.id is not None and f.actor.id in (f.entered_by, f.filed_by):
        return Unmet("objection_withdrawer_involved")
    return None


def objection_target_stands(f: ObjectionFacts) -> Unmet | None:
    return None if f.target_stands else Unmet("objection_target_ended")


def objection_target_ended(f: ObjectionFacts) -> Unmet | None:
    return None if not f.target_stands else Unmet("objection_target_stands")


def correction_given(f: ObjectionFacts) -> Unmet | None:
    return None if f.changes > 0 else Unmet("correction_required")
