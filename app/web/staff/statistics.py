"""The year in numbers: the figures of a period and a street beside the previous period,
charts, and the annual report to print (A4)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from app.errors import ValidationFailed
from app.services.base.context import setting_str
from app.services.reporting import exports, statistics
from app.services.reporting.statistics import ENFORCEMENT, Period
from app.web import charts
from app.web.i18n import LABELS, label, tr
from app.web.security import staff_page
from app.web.staff.blueprint import bp
from app.workflows.vocabulary import CATEGORIES

CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # an SVG image: its own styles


def _number(args: Any, name: str) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 4:
        raise ValidationFailed.on(name, statistics.BAD_PERIOD)
    return int(value)


def _day(args: Any, name: str) -> dt.date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed.on(name, statistics.BAD_PERIOD) from None


def period_from(args: Any) -> Period:
    """The period the query string asks for (this year when it asks for none)."""
    if not any(args.get(k) for k in ("year", "quarter", "month", "from", "to")):
        return statistics.year_period(dt.date.today().year)
    return statistics.period_of(_number(args, "year"), _number(args, "quarter"),
                                _number(args, "month"), _day(args, "from"), _day(args, "to"))


def _street(args: Any, known: list[str] | None = None) -> str | None:
    street = (args.get("street") or "").strip()
    if not street:
        return None
    return street if street in (known if known is not None else statistics.streets()) else None


@bp.route("/statistics")
@staff_page()
def statistics_page() -> Any:
    """The figures of the period asked for, beside the previous period's, with charts."""
    streets = statistics.streets()  # one query: the filter's list and the check of the choice
    street = _street(request.args, streets)
    try:
        period = period_from(request.args)
    except ValidationFailed as exc:
        return render_template("staff/statistics.html", error=tr(exc.message), args=request.args,
                               streets=streets, street=street), 422
    now, before = statistics.figures(period, street), statistics.figures(period.previous(),
                                                                         street)
    rows = [(key, now["enforcement"][key], before["enforcement"][key]) for key, _ in ENFORCEMENT]
    credit = [(key, now["credit"][key], before["credit"][key]) for key in statistics.CREDIT_FIGURES]
    query = {k: v for k, v in request.args.items() if v}
    return render_template("staff/statistics.html", period=period, previous=period.previous(),
                           rows=rows, credit=credit, street=street, args=request.args,
                           streets=streets, query=query,
                           paragraph=statistics.paragraph(now["enforcement"]),
                           change=_change)


def _change(now: Any, before: Any) -> str:
    """"+12.5%", "−3", or "—" where there is nothing to compare."""
    if now is None or before is None:
        return "—"
    now, before = Decimal(str(now)), Decimal(str(before))
    if before == 0:
        return "—" if now == 0 else "+∞"
    percent = (now - before) / before * 100
    return f"{'+' if percent >= 0 else '−'}{abs(percent):.1f}%"


@bp.route("/statistics/chart.svg")
@staff_page()
def statistics_chart() -> Any:
    """The period's enforcement figures beside the previous period's (fines apart: yuan
    would dwarf the counts), as an SVG image."""
    try:
        period = period_from(request.args)
    except ValidationFailed as exc:
        return Response(tr(exc.message), status=422, mimetype="text/plain")
    street = _street(request.args)
    now, before = (statistics.figures(p, street)["enforcement"]
                   for p in (period, period.previous()))
    keys = [key for key, _ in ENFORCEMENT if key != "fines_yuan"]
    svg = charts.compare(_("执法工作量对比"), [_short(label("figure", k)) for k in keys],
                         {period.label: [now[k] for k in keys],
                          period.previous().label: [before[k] for k in keys]})
    return _svg(svg)


@bp.route("/statistics/trend.svg")
@staff_page()
def statistics_trend() -> Any:
    """Inspections, penalties and hazards found month by month in a year."""
    try:
        year = _number(request.args, "year") or dt.date.today().year
        months = [statistics.period_of(year, month=m) for m in range(1, 13)]
    except ValidationFailed as exc:
        return Response(tr(exc.message), status=422, mimetype="text/plain")
    street = _street(request.args)
    monthly = [statistics.figures(m, street)["enforcement"] for m in months]
    keys = ("inspections", "hazards_found", "penalties")
    svg = charts.trend(_("%(year)s 年逐月执法情况", year=year), [f"{m}" for m in range(1, 13)],
                       {_short(label("figure", k)): [f[k] for f in monthly] for k in keys})
    return _svg(svg)


def _short(text: str) -> str:
    """A figure's name without its unit in brackets, for a chart's narrow labels."""
    return text.split("（")[0].split(" (")[0]


def _svg(svg: bytes) -> Response:
    response = Response(svg, mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_CSP
    response.headers["Cache-Control"] = "private, max-age=60"
    return response


@bp.route("/statistics/report")
@staff_page()
def annual_report() -> Any:
    """The year's enforcement report in the seed report's structure, figures filled in, to
    print on A4."""
    try:
        year = _number(request.args, "year") or dt.date.today().year
        period = statistics.period_of(year)
    except ValidationFailed as exc:
        return render_template("error.html", status=422, message=tr(exc.message)), 422
    found = statistics.figures(period)
    return render_template("staff/annual_report.html", year=year, figures=found,
                           paragraph=statistics.paragraph(found["enforcement"]),
                           authority=setting_str("AUTHORITY_NAME"),
                           back=url_for("staff.statistics_page", year=year))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
        "Cache-Control": "no-store"})


@bp.route("/statistics/<any(figures, records, listings):what>.xlsx")
@staff_page()
def statistics_export(what: str) -> Any:
    """The period's figures, records or listings as a spreadsheet."""
    try:
        period = period_from(request.args)
    except ValidationFailed as exc:
        return Response(tr(exc.message), status=422, mimetype="text/plain")
    street = _street(request.args)
    if what == "records":
        category = request.args.get("category")
        data = exports.records_workbook(period, category if category in CATEGORIES else None,
                                        street)
        return _workbook(data, f"执法记录-{period.label}.xlsx")
    if what == "listings":
        return _workbook(exports.listings_workbook(period, street), f"失信名单-{period.label}.xlsx")
    names = {key: str(label("figure", key)) for key in LABELS["figure"]}
    return _workbook(exports.statistics_workbook(period, street, names),
                     f"统计-{period.label}.xlsx")
