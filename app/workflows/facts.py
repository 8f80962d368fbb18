"""What the credit guards look at: plain values gathered by the service layer.

The guards never touch a database; the service reads the rows once and hands these over.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

SANCTION_CATEGORIES = frozenset({"penalty", "coercive_measure"})


@dataclass(frozen=True)
class BasisRecord:
    """An enforcement record a listing relies on."""

    id: int
    unit_id: int
    category: str
    status: str = "active"
    tier: str | None = None  # a penalty's publicity tier

    @property
    def grade(self) -> str:
        """What it counts as for a listing's level (``LISTING_BASIS``): a penalty's tier, or
        its category."""
        return self.tier if self.category == "penalty" and self.tier else self.category


@dataclass(frozen=True)
class ListingFacts:
    """A listing (or a proposal for one) as the guards need it."""

    id: int
    unit_id: int
    status: str
    proposed_by: int
    min_until: dt.date
    max_until: dt.date
    basis: tuple[BasisRecord, ...] = ()
    level: str = "general"
    # The kinds of basis each level needs one of (LISTING_BASIS; empty: no rule).
    allowed_basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Obligations:
    """What the unit still owes: unpaid fines, unrectified hazards, measures still in force."""

    fine_outstanding: Decimal = Decimal("0")
    hazards_outstanding: int = 0
    measures_in_force: int = 0

    @property
    def fines_paid(self) -> bool:
        return self.fine_outstanding <= 0

    @property
    def hazards_rectified(self) -> bool:
        return self.hazards_outstanding <= 0 and self.measures_in_force <= 0

    @property
    def met(self) -> bool:
        return self.fines_paid and self.hazards_rectified


@dataclass(frozen=True)
class RequestFacts:
    """An open restoration request."""

    id: int
    filed_by: int | None
    commitment_signed: bool


@dataclass(frozen=True)
class Actor:
    """Who asks: a staff member (officer, supervisor, admin), the unit itself, or the system."""

    id: int | None
    name: str
    role: str


# The service itself, acting on a schedule or as a consequence of another decision.
SYSTEM = Actor(None, "scheduler", "system")


@dataclass(frozen=True)
class CreditFacts:
    """Everything the guards of one trigger may look at, as of ``today``."""

    unit_id: int
    today: dt.date
    actor: Actor
    listing: ListingFacts | None = None
    request: RequestFacts | None = None
    obligations: Obligations = field(default_factory=Obligations)
    commitment_signed: bool = False
    reason: str | None = None
    revocation_ground: str | None = None
    bar_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordFacts:
    """What the guards of a penalty record's publicity machine look at, as of ``today``.

    ``min_until`` and ``max_until`` are the record's own window, counted from its decision
    date by its tier; a listing never changes them (None: not a restorable record).
    """

    record_id: int
    unit_id: int
    today: dt.date
    actor: Actor
    published: bool = True
    min_until: dt.date | None = None
    max_until: dt.date | None = None
    fine_outstanding: Decimal = Decimal("0")
    revoked: bool = False
    request: RequestFacts | None = None
    commitment_signed: bool = False
    reason: str | None = None
    bar_reasons: tuple[str, ...] = ()
    # A 三停 is lifted only after a re-inspection finds it put right (消防法 第70条第1款:
    # 经检查合格，方可恢复): whether the record is one, and the passing inspection's number.
    reinspection_needed: bool = False
    reinspection: str | None = None


@dataclass(frozen=True)
class ProposalFacts:
    """What the guards of a listing proposal look at: who decides, who proposed, and why
    (a rejection gives its reason)."""

    actor: Actor
    proposed_by: int
    reason: str | None = None
    request: RequestFacts | None = None  # (a proposal has no restoration request)
    commitment_signed: bool = False
    bar_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReversalFacts:
    """What the guards of a revocation proposal look at: who decides, who proposed, and
    whether the listing or record it would revoke still stands."""

    actor: Actor
    proposed_by: int
    target_stands: bool = True
    reason: str | None = None
    request: RequestFacts | None = None  # (a revocation has no restoration request)
    commitment_signed: bool = False
    bar_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectionFacts:
    """What the guards of an objection look at: who acts, who filed it and who entered the
    record it contests (the four eyes), whether the item still stands, and the reason."""

    actor: Actor
    filed_by: int | None  # a staff member who filed it on the unit's behalf, else None
    entered_by: int | None  # who entered the contested record or proposed the listing
    target_stands: bool = True
    reason: str | None = None
    changes: int = 0  # how many fields a correction changes
    request: RequestFacts | None = None  # (an objection has no restoration request)
    commitment_signed: bool = False
    bar_reasons: tuple[str, ...] = ()
