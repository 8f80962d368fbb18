"""Access codes for unit self-service, printed on the listing notice and stored hashed."""

from __future__ import annotations

import secrets

from werkzeug.security import generate_password_hash

from app.database import unit_of_work
from app.services.audit import append_event
from app.services.context import require_role
from app.services.units import get_unit
from app.workflows.facts import Actor

# No 0/O, 1/I/L: the code is read off paper and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12  # 31^12 ≈ 7.9e17 codes; guessing is also rate limited and locked out


def new_access_code() -> str:
    """A random code, grouped in fours for reading aloud: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise_access_code(code: str) -> str:
    """What the unit typed, without spaces or dashes, in capitals."""
    return "".join(c for c in (code or "").upper() if c.isalnum())


def issue_access_code(actor: Actor, uscc: str) -> str:
    """Issue a new access code for a unit and return it once; any earlier code stops working.

    Only the hash is kept, so the code can be shown on the notice being printed and never again.
    """
    require_role(actor, "officer", "supervisor")
    code = new_access_code()
    with unit_of_work() as session:
        unit = get_unit(uscc, lock=True)
        unit.access_code_hash = generate_password_hash(normalise_access_code(code))
        status = unit.credit_status
        append_event(session, unit.id, "access_code_issued", status, status, actor)
    return code
