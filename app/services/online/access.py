"""Access codes for unit self-service: printed on the listing notice, stored hashed, and
checked at sign-in with a lockout per unit."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from app import uscc as uscc_codes
from app.database import unit_of_work
from app.errors import Locked, Unauthorized
from app.extensions import db
from app.i18n import N_
from app.models import Unit
from app.services.audit.unit_trail import append_event
from app.services.base.context import authorize, setting_int
from app.services.casework.units import get_unit
from app.workflows.facts import Actor

# No 0/O, 1/I/L: the code is read off paper and typed by hand.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12  # 31^12 ≈ 7.9e17 codes; guessing is also rate limited and locked out
BAD_ACCESS = N_("统一社会信用代码或访问码不正确。")
ACCESS_LOCKED = N_(
    "访问码错误次数过多，自助服务已暂时锁定。请稍后再试，或请消防救援机构重新签发访问码。"
)
# Checked against when there is no unit or no code, so that every wrong answer takes as long.
_DUMMY_HASH = generate_password_hash("NOTANACCESSCODE")


def new_access_code() -> str:
    """A random code, grouped in fours for reading aloud: ``ABCD-EFGH-JKMN``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise_access_code(code: str) -> str:
    """What the unit typed, without spaces or dashes, in capitals."""
    return "".join(c for c in (code or "").upper() if c.isalnum())


def issue_access_code(actor: Actor, uscc: str) -> str:
    """Issue a new access code for a unit and return it once; any earlier code stops working,
    the unit's open self-service sessions end and a lockout is lifted.

    Only the hash is kept, so the code can be shown on the notice being printed and never again.
    """
    authorize(actor, "issue_access_code")
    code = new_access_code()
    with unit_of_work() as session:
        unit = get_unit(uscc, lock=True)
        unit.access_code_hash = generate_password_hash(normalise_access_code(code))
        unit.access_failures, unit.access_locked_until = 0, None
        status = unit.credit_status
        append_event(session, unit.id, "access_code_issued", status, status, actor)
    return code


def session_key(unit: Unit) -> str:
    """A fingerprint of the unit's current code and session epoch: a session holding an older
    one has ended (a new code was printed, or the unit signed out)."""
    return f"{(unit.access_code_hash or '')[-16:]}:{unit.self_session_epoch}"


def end_unit_sessions(unit_id: int) -> None:
    """The unit signed out: every session of its self-service ends, copied cookies included."""
    with unit_of_work() as session:
        table = Unit.__table__  # a Core update: the credit state's version stays as it is
        session.execute(table.update().where(table.c.id == unit_id)
                        .values(self_session_epoch=table.c.self_session_epoch + 1))


def authenticate_unit(raw_uscc: str, raw_code: str) -> Unit:
    """The unit with this code and access code; count a failure and lock after too many.

    An unknown code, a unit without an access code and a wrong access code get one answer.
    """
    code = uscc_codes.normalise(raw_uscc or "")
    typed = normalise_access_code(raw_code)
    unit = db.session.scalar(select(Unit).where(Unit.uscc == code)) if len(code) == 18 else None
    if unit is None or not unit.access_code_hash:
        check_password_hash(_DUMMY_HASH, typed)
        raise Unauthorized(BAD_ACCESS)
    now = dt.datetime.now(dt.UTC)
    if unit.access_locked_until is not None and unit.access_locked_until > now:
        raise Locked(ACCESS_LOCKED, until=unit.access_locked_until.isoformat())
    if not check_password_hash(unit.access_code_hash, typed):
        _count_failure(unit.id, now)
        raise Unauthorized(BAD_ACCESS)
    if unit.access_failures:
        with unit_of_work() as session:
            session.execute(update(Unit).where(Unit.id == unit.id)
                            .values(access_failures=0, access_locked_until=None))
    return unit


def _count_failure(unit_id: int, now: dt.datetime) -> None:
    """One more failure, counted in SQL so that parallel guesses all count.

    Core updates: the unit's ``version`` (the credit state's optimistic lock) is not touched.
    """
    limit = setting_int("ACCESS_MAX_FAILURES")
    until = now + dt.timedelta(minutes=setting_int("ACCESS_LOCKOUT_MINUTES"))
    table = Unit.__table__
    with unit_of_work() as session:
        session.execute(table.update().where(table.c.id == unit_id)
                        .values(access_failures=table.c.access_failures + 1))
        session.execute(
            table.update()
            .where(table.c.id == unit_id, table.c.access_failures >= limit)
            .values(access_locked_until=until, access_failures=0)
        )
