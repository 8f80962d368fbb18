"""Registers in from a spreadsheet: download the template, upload a file, read the report of
every row's problems, then confirm the import (all or nothing)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField

from app.errors import DomainError
from app.services.casework import importing, sheets
from app.web.i18n import tr
from app.web.security import current_actor, staff_page
from app.web.staff.blueprint import bp
from app.web.staff.statistics import XLSX

STAGED = "import_staged"  # the session's pending import: (token, file name)


class UploadForm(FlaskForm):
    file = FileField()


class ConfirmForm(FlaskForm):
    token = HiddenField()


@bp.route("/import/template.xlsx")
@staff_page()
def import_template() -> Any:
    """The template to fill in (a sheet per kind, examples, lists to choose from)."""
    return Response(sheets.template(), mimetype=XLSX, headers={
        "Content-Disposition": "attachment; filename=creditflow-template.xlsx"})


@bp.route("/import", methods=["GET", "POST"])
@staff_page("import_records")
def import_page() -> Any:
    """Upload a file: it is checked whole and nothing is written; the report lists every
    problem, and a file without one waits for the clerk's confirmation."""
    form, report, error, staged = UploadForm(), None, None, None
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            error = _("请选择要导入的文件。")
        else:
            data = upload.read()
            try:
                report = importing.import_file(current_actor(), data, upload.filename,
                                               dry_run=True)
            except DomainError as exc:
                error = tr(exc.message)
            else:
                if report.ok and report.new and any(report.new.values()):
                    held = session.get(STAGED)
                    token = importing.stage(data, held[0] if held else None)
                    session[STAGED] = [token, upload.filename[:200]]
                    staged = ConfirmForm(token=token)
    status = 422 if error or (report is not None and not report.ok) else 200
    return render_template("staff/import.html", form=form, report=report, error=error,
                           staged=staged, unit_sheet=sheets.UNIT_SHEET), status


@bp.route("/import/confirm", methods=["POST"])
@staff_page("import_records")
def import_confirm() -> Any:
    """Import the file checked a moment ago (the session's own), all or nothing."""
    form = ConfirmForm()
    held = session.get(STAGED)
    if not form.validate_on_submit() or not held or form.token.data != held[0]:
        flash(_("没有待确认的导入，请重新上传文件。"), "error")
        return redirect(url_for("staff.import_page"))
    token, name = held
    data = importing.staged(token)
    if data is None:  # confirmed in another tab, or kept past IMPORT_STAGED_HOURS
        session.pop(STAGED, None)
        flash(_("没有待确认的导入，请重新上传文件。"), "error")
        return redirect(url_for("staff.import_page"))
    try:
        report = importing.import_file(current_actor(), data, name)
    except DomainError as exc:
        flash(tr(exc.message), "error")
        return redirect(url_for("staff.import_page"))
    finally:
        importing.unstage(token)
        session.pop(STAGED, None)
    if report.imported:
        flash(_("已导入：%(counts)s。", counts="，".join(
            f"{sheet} {n}" for sheet, n in report.new.items() if n)), "success")
    else:
        flash(_("文件在确认前已有变化，未导入任何内容，请重新上传。"), "error")
    return redirect(url_for("staff.import_page"))
