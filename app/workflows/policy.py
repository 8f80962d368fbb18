"""Who may do what: one table of use cases and the roles that may carry them out.

Every write use case asks it (``app/services/base/context.authorize``) before it changes
anything, and the pages' and the API's role checks are derived from it (``staff_page`` and
``staff_required`` take a use case, not roles), so that a page, an API call and a service
cannot disagree. The guards of the state machines then decide what the role alone does not:
a supervisor other than the proposer, the unit's own application, and so on. Pure: no Flask.

The roles are the staff roles of the vocabulary, plus who else acts: the unit itself (the
self-service), the public (an objection from the public page) and the system (the scheduler,
and the console of whoever runs ``creditflow``: shell access to the host is administration).
"""

from __future__ import annotations

from app.workflows import vocabulary

STAFF = vocabulary.ROLES.values
WORKERS = ("officer", "supervisor")  # casework
SUPERVISORS = ("supervisor",)
ADMINS = ("admin",)
UNIT, SYSTEM, PUBLIC = "unit", "system", "public"  # the other actors of the vocabulary

MAY: dict[str, tuple[str, ...]] = {
    # Reading the register, the cases, the batches and the figures: every staff member.
    "read": STAFF,
    # Casework.
    "register_unit": WORKERS,
    "add_record": WORKERS,
    "record_payment": WORKERS,
    "record_rectification": WORKERS,
    "import_records": (*WORKERS, SYSTEM),
    "reclassify_records": (SYSTEM,),
    "propose_listing": WORKERS,
    "decide_listing": SUPERVISORS,
    "expire_listing": (*WORKERS, SYSTEM),
    "issue_access_code": WORKERS,
    "file_restoration": (*WORKERS, UNIT),
    "decide_restoration": SUPERVISORS,
    "withdraw_restoration": (*WORKERS, UNIT),
    "propose_revocation": WORKERS,
    "decide_revocation": SUPERVISORS,
    "file_objection": (*WORKERS, UNIT, PUBLIC),
    "file_objection_for_unit": WORKERS,  # at the counter or by telephone (channel "staff")
    "decide_objection": WORKERS,
    "withdraw_objection": (*WORKERS, UNIT),
    # Administration.
    "manage_accounts": (*ADMINS, SYSTEM),
    "manage_calendar": (*ADMINS, SYSTEM),
    "run_disclosure": (*ADMINS, SYSTEM),
    "send_batch_again": ADMINS,
    "manage_reminders": ADMINS,
    "read_administration": ADMINS,
}
USE_CASES = tuple(MAY)


def may(role: str, use_case: str) -> bool:
    """Whether ``role`` may carry out ``use_case`` (an unknown use case is an error)."""
    return role in MAY[use_case]


def roles_for(use_case: str, staff_only: bool = False) -> tuple[str, ...]:
    """The roles that may carry out ``use_case``; ``staff_only``: of the staff roles, the ones
    a sign-in or a token can have."""
    roles = MAY[use_case]
    return tuple(r for r in roles if r in STAFF) if staff_only else roles


def markdown() -> str:
    """The table for docs/security.md (a test keeps that copy equal to this one)."""
    lines = ["| use case | who may |", "|---|---|"]
    lines += [f"| `{name}` | {', '.join(roles)} |" for name, roles in MAY.items()]
    return "\n".join(lines)
