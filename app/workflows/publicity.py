"""The publicity machine of one published administrative penalty record, as data.

A penalty record is public from its delivery to the platform until the end of its own
window (counted from its decision date by its tier; a listing never changes it). The unit
may ask to end it early (终止公示行政处罚信息, NDRC Order No. 36) once the record's minimum
period has passed and its obligations are met; a supervisor who did not file the request
decides. It expires by itself at its maximum where the fine is paid, and is withdrawn when
the decision is revoked (行政处罚法 第48条). The column ``publicity_status`` of the record row
is the single source of truth.
"""

from __future__ import annotations

from app.workflows import guards as g
from app.workflows import vocabulary
from app.workflows.facts import RecordFacts
from app.workflows.machine import StateMachine, Transition

STATES = vocabulary.PUBLICITY_STATUSES.values
# States in which the record is (or is about to be) on the platform and the public page.
SHOWN = ("awaiting", "public", "restoration_requested")
# States in which a published penalty shows on the public page (the daily sweep ends them).
PUBLIC = ("public", "restoration_requested")

TRANSITIONS: tuple[Transition[RecordFacts], ...] = (
    Transition("publish", ("awaiting",), "public", (g.record_published,)),
    Transition(
        "request_record_restoration",
        ("public",),
        "restoration_requested",
        (g.record_minimum_passed, g.restoration_not_barred, g.commitment_signed),
    ),
    Transition(
        "approve_record_restoration",
        ("restoration_requested",),
        "ended_early",
        (g.decider_is_supervisor, g.reviewer_is_not_preparer, g.record_fine_paid,
         g.record_reinspection_passed, g.commitment_signed),
    ),
    Transition(
        "reject_record_restoration",
        ("restoration_requested",),
        "public",
        (g.decider_is_supervisor, g.reviewer_is_not_preparer, g.reason_given),
    ),
    Transition(
        "withdraw_record_restoration", ("restoration_requested",), "public", (g.acted_for_unit,)
    ),
    Transition(
        "expire_record", ("public",), "expired", (g.record_maximum_passed, g.record_fine_paid)
    ),
    Transition(
        "withdraw_record",
        ("awaiting", "public", "restoration_requested", "expired"),
        "withdrawn",
        (g.record_revoked,),
    ),
)
MACHINE = StateMachine(STATES, TRANSITIONS)


def is_published(category: str, tier: str | None, publish_minor: bool) -> bool:
    """Whether a decision goes to the platform at all: every category does, except minor
    (轻微) penalties, which are not published in principle unless the detachment chooses to."""
    return not (category == "penalty" and tier == "minor" and not publish_minor)


def initial_state(category: str, published: bool) -> str | None:
    """A new record's publicity state: a published penalty awaits publication; other
    categories, and penalties that are not published, have no publicity machine."""
    return "awaiting" if category == "penalty" and published else None
TRIGGERS = MACHINE.triggers
fire = MACHINE.fire


def mermaid() -> str:
    """The record publicity diagram in mermaid syntax, generated from the table."""
    return MACHINE.mermaid("awaiting")
