"""The role matrix: every staff page for every role and for an anonymous visitor, in both
languages. A new page must be added to ACCESS, or this test fails."""

from __future__ import annotations

import pytest

from app.services.disclosure.claims import claim_batch
from tests import builders as b
from tests.pages import Session

ANY, WORKERS, SUPERVISOR, ADMIN = "any", ("officer", "supervisor"), ("supervisor",), ("admin",)
ACCESS = {
    "staff.queue": ANY, "staff.unit_list": ANY, "staff.unit_page": ANY,
    "staff.unit_new": WORKERS, "staff.record_new": WORKERS, "staff.record_payment": WORKERS,
    "staff.record_rectification": WORKERS, "staff.record_revoke": WORKERS,
    "staff.listing_new": WORKERS, "staff.listing_decide": ANY, "staff.listing_revoke": WORKERS,
    "staff.listing_expire": WORKERS, "staff.listing_notice": WORKERS,
    "staff.restoration_new": WORKERS, "staff.record_restoration_new": WORKERS,
    "staff.record_guide": WORKERS,
    "staff.restoration_page": ANY, "staff.revocation_page": ANY,
    "staff.restoration_decision": ANY,
    "staff.restoration_withdraw": WORKERS, "staff.restoration_file": ANY,
    "staff.batch_list": ANY, "staff.batch_page": ANY, "staff.batch_payload": ANY,
    "staff.batch_retry": ADMIN, "staff.batch_run": ADMIN, "staff.batch_resend": ADMIN,
    "staff.reminder_list": ADMIN, "staff.reminder_retry": ADMIN,
    "staff.statistics_page": ANY, "staff.statistics_chart": ANY, "staff.statistics_trend": ANY,
    "staff.annual_report": ANY, "staff.statistics_export": ANY, "staff.unit_export": ANY,
    "staff.import_page": WORKERS, "staff.import_confirm": WORKERS, "staff.import_template": ANY,
    "staff.user_list": ADMIN, "staff.user_edit": ADMIN, "staff.calendar_page": ADMIN,
    "staff.settings_page": ADMIN, "staff.admin_trail_page": ADMIN, "auth.password": ANY,
    "staff.objection_list": ANY, "staff.objection_page": ANY, "staff.objection_file": ANY,
    "staff.objection_new": WORKERS, "staff.objection_review": WORKERS,
    "staff.objection_uphold": WORKERS, "staff.objection_correct": WORKERS,
    "staff.objection_withdraw": WORKERS,
}
ROLES = ("officer", "supervisor", "admin")
# Pages of things the world does not have yet: the world's request is still under review, so
# its decision sheet is "not found" to those who may see it (and refused to the others).
# The objection form names its item in the query (?target=…&id=…): without one, not found.
ALLOWED_STATUS = {"staff.restoration_decision": 404, "staff.objection_new": 404}


@pytest.fixture
def world(app, tmp_path):
    """One of everything a staff URL can point at."""
    app.config.update(WTF_CSRF_ENABLED=False, OUTBOX_DIR=str(tmp_path / "outbox"))
    with app.app_context():
        people = {role: b.staff(role, role) for role in ROLES}
        other = b.staff("supervisor", "supervisor2")
        unit, record, listing, request = b.restoration_ready(people["officer"], other)
        proposed = b.unit(people["officer"])
        rec = b.penalty(people["officer"], proposed.uscc)
        from app.services.credit.listings import propose_listing

        proposal = propose_listing(people["officer"], proposed.uscc, "general", "理由", [rec.id],
                                   "津东消信列字〔2026〕9001号", rec.decided_on)
        from app.services.credit.revocations import propose_record_revocation

        revocation = propose_record_revocation(people["officer"], rec.id, "复议撤销",
                                               "东复决字〔2026〕1号", rec.decided_on)
        batch, _ = claim_batch("penalty", 100)
        file_id = attach_proof(request)
        note_id = failed_reminder(unit.id)
        world = {
            "uscc": unit.uscc, "record_id": record.id, "listing_id": proposal.id,
            "request_id": request.id, "batch_id": batch.id, "user_id": people["officer"].id,
            "fmt": "jsonl", "file_id": file_id, "revocation_id": revocation.id,
            "note_id": note_id, "what": "records",
        }
        world["objection_id"], world["proof_id"] = contested(people["officer"])
        return world


def contested(officer):  # type: ignore[no-untyped-def]
    """A published penalty under objection, with a proof."""
    from app.services.online import objections
    from app.services.online.uploads import Upload
    from app.workflows.facts import Actor
    from tests.selfservice import PDF

    unit, record = b.public_penalty(officer)
    objection = objections.file_objection(
        Actor(None, unit.name, "unit"), unit.id, "record", record.id, "金额有误", None, "王明",
        "022-24390000", [Upload("proof.pdf", PDF)], "self_service")
    return objection.id, objection.files[0].id


def failed_reminder(unit_id: int) -> int:
    """A reminder mail the sender gave up on."""
    from app.extensions import db
    from app.models import Notification

    note = Notification(kind="eligible", recipient="unit@example.cn", unit_id=unit_id,
                        dedup_key="world", status="failed", attempts=5, last_error="refused")
    db.session.add(note)
    db.session.commit()
    return note.id


def attach_proof(request) -> int:
    """A stored PDF on ``request``, as the self-service application leaves one."""
    from app.extensions import db
    from app.models import RestorationFile
    from app.services.online import uploads
    from tests.selfservice import PDF

    (stored,) = uploads.store(uploads.check_uploads([uploads.Upload("proof.pdf", PDF)]))
    row = RestorationFile(request_id=request.id, unit_id=request.unit_id, size=len(PDF),
                          stored_name=stored.stored_name, original_name="proof.pdf",
                          content_type="application/pdf", sha256=stored.checked.sha256)
    db.session.add(row)
    db.session.commit()
    return row.id


def staff_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") or rule.endpoint == "auth.password":
            yield rule


def url_of(rule, world):
    path = rule.rule
    for arg in rule.arguments:
        path = path.replace(f"<{arg}>", str(world[arg]))
        for converter in ("id", "int", "any(figures, records, listings)"):
            path = path.replace(f"<{converter}:{arg}>", str(world[arg]))
    return path


def test_every_staff_page_is_in_the_matrix(app):
    assert {rule.endpoint for rule in staff_rules(app)} == set(ACCESS)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", [None, *ROLES])
def test_role_matrix(app, world, role, lang):
    browser = Session(app, role, lang=lang)
    rules = sorted(staff_rules(app), key=lambda r: "GET" not in r.methods)  # pages first
    for rule in rules:
        url = url_of(rule, world)
        allowed = role is not None and (ACCESS[rule.endpoint] == ANY
                                        or role in ACCESS[rule.endpoint])
        if "GET" in rule.methods:
            response = browser.get(url)
            response.close()  # a download holds its file open until closed
            expected = ALLOWED_STATUS.get(rule.endpoint, 200) if allowed else (
                302 if role is None else 403)
        else:
            response = browser.client.post(url)
            expected = 302 if allowed or role is None else 403
        assert response.status_code == expected, (rule.endpoint, role, response.status_code)
        if role is None:
            assert response.headers["Location"].startswith("/login")
        if response.status_code != 302 and response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
            assert ("Sign out" in page) == (lang == "en")
