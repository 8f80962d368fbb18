"""Unit self-service (``/self``): sign in with the code and the access code of the listing
notice, see where the unit stands and what to do, apply online, follow and withdraw.

The signed-in unit is kept in the session apart from staff sign-in; every view reads only the
unit in the session, so no URL reaches another unit's data.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _

from app import uscc as uscc_codes
from app.errors import DomainError, NotFound
from app.extensions import db, limiter
from app.models import Unit
from app.services.base.context import setting_str
from app.services.credit import record_restoration
from app.services.online import objections, selfservice
from app.services.online.access import authenticate_unit, end_unit_sessions, session_key
from app.web.forms import VersionForm
from app.web.forms_unit import ApplyForm, ContactForm, ObjectionForm, UnitLoginForm
from app.web.i18n import lang, tr
from app.web.pages import (
    apply_error,
    decision_sheet,
    error_page,
    form_page,
    fresh_session,
    received_files,
    send_upload,
    upload_limits,
)

bp = Blueprint("self", __name__, url_prefix="/self")
bp.register_error_handler(Exception, error_page)
SESSION = "self_unit"
ID = "<id:item_id>"


def signed_in_unit() -> Unit | None:
    """The unit of this browser session, if its access code is still the one signed in with."""
    held = session.get(SESSION)
    if not isinstance(held, dict) or not isinstance(held.get("id"), int):
        return None
    unit = db.session.get(Unit, held["id"])
    if unit is None or session_key(unit) != held.get("key"):
        session.pop(SESSION, None)  # the code was reissued: sign in with the new one
        return None
    return unit


def unit_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only for a signed-in unit; it gets its own ``Unit`` as the first argument."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unit = signed_in_unit()
        if unit is None:
            flash(_("请使用统一社会信用代码和访问码登录。"), "info")
            return redirect(url_for("self.login"))
        return view(unit, *args, **kwargs)

    return wrapper


def _code_key() -> str:
    """The rate-limit key of the code being tried (limits guessing spread over addresses)."""
    return "self-code:" + uscc_codes.normalise(request.form.get("uscc", ""))[:18]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: setting_str("ACCESS_RATE_LIMIT"), methods=["POST"])
@limiter.limit(lambda: setting_str("ACCESS_CODE_RATE_LIMIT"), key_func=_code_key,
               methods=["POST"])
def login() -> Any:
    """Sign in with the 统一社会信用代码 and the access code printed on the listing notice."""
    form = UnitLoginForm()
    if request.method == "GET" and request.args.get("uscc"):  # the notice's QR code fills it in
        form.uscc.data = uscc_codes.normalise(request.args["uscc"])[:18]
    if form.validate_on_submit():
        try:
            unit = authenticate_unit(form.uscc.data or "", form.access_code.data or "")
        except DomainError as exc:
            apply_error(None, exc)
        else:
            fresh_session()  # nothing of a previous visitor carries over
            session[SESSION] = {"id": unit.id, "key": session_key(unit)}
            session.permanent = True
            return redirect(url_for("self.home"))
    return form_page("self/login.html", form)


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    """Sign out (POST with the CSRF token, so no link can sign a unit out)."""
    if VersionForm().validate_on_submit():
        unit = signed_in_unit()
        if unit is not None:
            end_unit_sessions(unit.id)  # a copied cookie opens nothing afterwards
        fresh_session()
    return redirect(url_for("self.login"))


@bp.route("/")
@unit_page
def home(unit: Unit) -> Any:
    """Status and why, the checklist with dates and materials, applications and progress."""
    return _home_page(unit, ContactForm(contact_email=unit.contact_email))


def _home_page(unit: Unit, contact: ContactForm) -> Any:
    view = selfservice.overview(unit.id, lang())
    return form_page("self/home.html", contact, view=view, steps=view.steps, button=VersionForm(),
                     objections=objections.objections_of(unit.id),
                     contestable=objections.contestable(unit))


@bp.route("/contact", methods=["POST"])
@unit_page
def contact(unit: Unit) -> Any:
    """Where reminders go."""
    form = ContactForm()
    if form.validate_on_submit():
        try:
            selfservice.set_contact_email(unit.id, form.contact_email.data)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            flash(_("提醒邮箱已保存。"), "success")
            return redirect(url_for("self.home"))
    return _home_page(unit, form)


def _files_refused(form: ApplyForm | ObjectionForm, exc: DomainError) -> None:
    """Name each refused file beside its reason."""
    names = exc.extra.get("files")
    if names:
        form.proofs.errors = [f"{n}：{tr(m)}" for n, m in zip(names, exc.errors["proofs"],
                                                             strict=False)]


def _unit_key() -> str:
    """The rate-limit key of the signed-in unit (applications per unit, whatever the address)."""
    held = session.get(SESSION)
    return f"self-apply:{held.get('id') if isinstance(held, dict) else request.remote_addr}"


def _apply_limit() -> str:
    return setting_str("APPLY_RATE_LIMIT")


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(_apply_limit, key_func=_unit_key, methods=["POST"])
@unit_page
def apply(unit: Unit) -> Any:
    """Sign the credit commitment and apply online, with proofs."""
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            request_ = selfservice.apply(
                unit.id, form.signed_name.data or "", form.signed_representative.data or "",
                received_files(), (form.note.data or "").strip() or None)
        except DomainError as exc:
            apply_error(form, exc)
            _files_refused(form, exc)
        else:
            flash(_("申请已提交，应在 %(due)s 前作出决定。", due=request_.due_on.isoformat()),
                  "success")
            return redirect(url_for("self.home"))
    view = selfservice.overview(unit.id, lang())
    return form_page("self/apply.html", form, view=view, steps=view.steps, **upload_limits())


@bp.route(f"/records/{ID}/apply", methods=["GET", "POST"])
@limiter.limit(_apply_limit, key_func=_unit_key, methods=["POST"])
@unit_page
def apply_record(unit: Unit, item_id: int) -> Any:
    """Sign the credit commitment and ask to end one of the unit's penalties' publicity."""
    form = ApplyForm()
    if form.validate_on_submit():
        try:
            request_ = selfservice.apply_record(
                unit.id, item_id, form.signed_name.data or "",
                form.signed_representative.data or "", received_files(),
                (form.note.data or "").strip() or None)
        except NotFound:
            raise  # another unit's record: the same page as one that does not exist
        except DomainError as exc:
            apply_error(form, exc)
            _files_refused(form, exc)
        else:
            flash(_("申请已提交，应在 %(due)s 前作出决定。", due=request_.due_on.isoformat()),
                  "success")
            return redirect(url_for("self.home"))
    steps = record_restoration.steps_of(item_id, selfservice.unit_actor(unit), unit.id, lang())
    return form_page("self/apply.html", form, view=selfservice.overview(unit.id, lang()),
                     steps=steps, record=True, **upload_limits())


@bp.route("/objections/new", methods=["GET", "POST"])
@limiter.limit(_apply_limit, key_func=_unit_key, methods=["POST"])
@unit_page
def objection_new(unit: Unit) -> Any:
    """Contest one of the unit's published records, or its listing (异议)."""
    target = request.args.get("target", "record")
    item = objections.contested_item(unit, target, request.args.get("id", type=int))
    form = ObjectionForm()
    if request.method == "GET":
        form.contact_name.data = unit.legal_representative or ""
        form.contact_phone.data = unit.contact_phone or ""
    if form.validate_on_submit():
        try:
            objection = objections.file_objection(
                selfservice.unit_actor(unit), unit.id, item.target, item.id,
                form.claim.data or "", form.expected.data, form.contact_name.data or "",
                form.contact_phone.data or "", received_files(), "self_service")
        except NotFound:
            raise  # another unit's item: the same page as one that does not exist
        except DomainError as exc:
            apply_error(form, exc)
            _files_refused(form, exc)
        else:
            flash(_("异议已提交，我们将于 %(due)s 前答复。", due=objection.due_on.isoformat()),
                  "success")
            return redirect(url_for("self.home", _anchor="objections"))
    return form_page("objection_new.html", form, unit=unit, item=item, who="self",
                     due=objections.deadline_if_filed_today(), **upload_limits())


@bp.route(f"/objections/{ID}/withdraw", methods=["POST"])
@unit_page
def objection_withdraw(unit: Unit, item_id: int) -> Any:
    """Withdraw the unit's open objection."""
    if not VersionForm().validate_on_submit():
        abort(400)
    try:
        objections.withdraw(selfservice.unit_actor(unit), item_id, unit_id=unit.id)
    except NotFound:
        raise
    except DomainError as exc:
        apply_error(None, exc)
    else:
        flash(_("异议已撤回。"), "success")
    return redirect(url_for("self.home", _anchor="objections"))


@bp.route(f"/objection-files/{ID}")
@unit_page
def objection_file(unit: Unit, item_id: int) -> Any:
    """A proof the unit filed with an objection."""
    return send_upload(objections.own_file(unit.id, item_id))


@bp.route(f"/requests/{ID}/withdraw", methods=["POST"])
@unit_page
def withdraw(unit: Unit, item_id: int) -> Any:
    """Withdraw the open application; the unit may apply again later."""
    if not VersionForm().validate_on_submit():
        abort(400)
    try:
        selfservice.withdraw(unit.id, item_id)
    except NotFound:
        raise  # another unit's request: the same page as one that does not exist
    except DomainError as exc:
        apply_error(None, exc)
    else:
        flash(_("申请已撤回，您可在符合条件时重新申请。"), "success")
    return redirect(url_for("self.home"))


@bp.route(f"/requests/{ID}/decision")
@unit_page
def decision(unit: Unit, item_id: int) -> Any:
    """The 信用修复决定书 of one of the unit's approved applications, to print."""
    request_ = selfservice.own_request(unit.id, item_id)
    return decision_sheet(request_, "self/decision.html")


@bp.route(f"/files/{ID}")
@unit_page
def file(unit: Unit, item_id: int) -> Any:
    """One of the unit's own uploads."""
    return send_upload(selfservice.own_file(unit.id, item_id))


@bp.after_request
def _private(response: Any) -> Any:
    """The unit's own pages are never cached."""
    response.headers["Cache-Control"] = "no-store"
    return response
