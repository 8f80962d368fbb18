"""Staff API on the disclosure pipeline: batches, items due, run now; and /metrics."""

from __future__ import annotations

import hmac
import ipaddress
import os
from typing import Any

import marshmallow as ma
from flask import Response, abort, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields as f
from marshmallow import validate as v
from prometheus_client import CollectorRegistry, Gauge, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector

from app.api.auth import current_actor, staff_required
from app.api.schemas import Strict, Text
from app.errors import Unauthorized
from app.models._types import utcnow
from app.observability import REGISTRY
from app.services.base.context import setting_str
from app.services.disclosure import batches, monitor
from app.services.disclosure.runs import ask_for_run, get_run
from app.workflows import vocabulary
from app.workflows.vocabulary import DISCLOSURE_CATEGORIES as CATEGORIES

blp = Blueprint("disclosure", __name__, url_prefix="/api/v1/disclosure",
                description="The disclosure pipeline")


class BatchQuery(Strict):
    category = Text(load_default=None, validate=v.OneOf(CATEGORIES))
    status = Text(load_default=None, validate=v.OneOf(vocabulary.BATCH_STATUSES.values))
    page = f.Integer(load_default=1, validate=v.Range(min=1, max=100000))
    per_page = f.Integer(load_default=20, validate=v.Range(min=1, max=200))


class BatchOut(ma.Schema):
    id = Text()
    category = Text()
    created_at = f.DateTime()
    item_count = f.Integer()
    sha256 = Text()
    status = Text()
    attempts = f.Integer()
    last_error = Text(allow_none=True)
    next_attempt_at = f.DateTime(allow_none=True)
    delivered_at = f.DateTime(allow_none=True)
    publisher = Text(allow_none=True)
    rejected_count = f.Integer(metadata={"description": "items the platform's receipt refused"})
    receipt = Text(allow_none=True, metadata={"description": "the platform's answer, as sent"})


class ItemOut(ma.Schema):
    id = f.Integer()
    category = Text()
    op = Text()
    record_id = f.Integer(allow_none=True, metadata={
        "description": "the record it reports; null for a listing's own item (category "
                       "listing)"})
    listing_id = f.Integer(allow_none=True, metadata={
        "description": "the listing (a listing's own item, or an older record item that "
                       "carried one)"})
    seq = f.Integer(metadata={"description": "the sequence number of its record (or listing): "
                                             "higher for every later change of it"})
    unit_id = f.Integer()
    status = Text()
    rejection = Text(allow_none=True, metadata={"description": "why the platform refused it"})
    due_by = f.Date()
    batch_id = Text(allow_none=True)
    created_at = f.DateTime()


class BatchPageOut(ma.Schema):
    items = f.List(f.Nested(BatchOut))
    total = f.Integer()


class AttemptOut(ma.Schema):
    number = f.Integer()
    started_at = f.DateTime()
    finished_at = f.DateTime(allow_none=True)
    outcome = Text(allow_none=True, metadata={
        "enum": list(vocabulary.ATTEMPT_OUTCOMES.values),
        "description": "null: interrupted (the process died or lost the batch's lease)"})
    error = Text(allow_none=True)
    asked_by = Text(allow_none=True, metadata={"description": "null: the schedule"})


class BatchDetailOut(BatchOut):
    items = f.List(f.Nested(ItemOut))
    items_total = f.Integer()
    attempt_history = f.List(f.Nested(AttemptOut), metadata={"description": "newest first"})


class ItemPageQuery(Strict):
    page = f.Integer(load_default=1, validate=v.Range(min=1, max=100000))
    per_page = f.Integer(load_default=100, validate=v.Range(min=1, max=1000))


class DueQuery(ItemPageQuery):
    due = Text(load_default="overdue", validate=v.OneOf(["overdue", "soon"]))
    category = Text(load_default=None, validate=v.OneOf(CATEGORIES))


class ItemPageOut(ma.Schema):
    items = f.List(f.Nested(ItemOut))
    total = f.Integer()


class RunIn(Strict):
    category = Text(load_default=None, validate=v.OneOf(CATEGORIES))


class RunOutcome(ma.Schema):
    delivered = f.Dict(metadata={"description": "batches delivered by category"})
    items = f.Dict(metadata={"description": "items delivered by category"})
    failed = f.List(Text())


class RunOut(ma.Schema):
    """A run asked for: the scheduler's leader runs it within seconds (``waiting`` until
    then), and its outcome appears here."""

    id = f.Integer()
    category = Text(allow_none=True, metadata={"description": "null: every category"})
    requested_by = Text()
    requested_at = f.DateTime()
    status = Text(metadata={"enum": list(vocabulary.RUN_STATUSES.values)})
    started_at = f.DateTime(allow_none=True)
    finished_at = f.DateTime(allow_none=True)
    outcome = f.Nested(RunOutcome, allow_none=True)
    error = Text(allow_none=True)


@blp.route("/batches")
class Batches(MethodView):
    @staff_required()
    @blp.arguments(BatchQuery, location="query")
    @blp.response(200, BatchPageOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Batches, newest first, by category and status."""
        rows, total = batches.list_batches(args["category"], args["status"], args["page"],
                                           args["per_page"])
        return {"items": rows, "total": total}

    @staff_required("run_disclosure")
    @blp.arguments(RunIn)
    @blp.response(202, RunOut, headers={"Location": {"schema": {"type": "string"},
                                                     "description": "the run request"}})
    def post(self, args: dict[str, Any]) -> Any:
        """Ask for a run now for one category (or all): the scheduler's leader delivers what
        is due, then new batches, within seconds; follow ``Location`` for the outcome."""
        run = ask_for_run(current_actor(), args.get("category"))
        return run, 202, {"Location": url_for("disclosure.Run", run_id=run.id)}


@blp.route("/runs/<id:run_id>")
class Run(MethodView):
    @staff_required()
    @blp.response(200, RunOut)
    def get(self, run_id: int) -> Any:
        """A run asked for: waiting, running, done (with what it delivered) or failed."""
        return get_run(run_id)


@blp.route("/batches/<batch_id>")
class BatchDetail(MethodView):
    @staff_required()
    @blp.arguments(ItemPageQuery, location="query")
    @blp.response(200, BatchDetailOut)
    def get(self, args: dict[str, Any], batch_id: str) -> dict[str, Any]:
        """A batch with a page of its items."""
        batch = batches.get_batch(batch_id)
        items = batches.batch_items(batch.id, args["page"], args["per_page"])
        data = {name: getattr(batch, name) for name in BatchOut().fields}
        return {**data, "items": items, "items_total": batch.item_count,
                "attempt_history": batches.attempts(batch.id)}


@blp.route("/batches/<batch_id>/retry")
class RetryBatch(MethodView):
    @staff_required("send_batch_again")
    @blp.response(200, BatchOut)
    def post(self, batch_id: str) -> Any:
        """Send a failed batch again at the next run (same id, so nothing is published twice)."""
        return batches.retry_batch(batch_id, current_actor())


@blp.route("/batches/<batch_id>/resend")
class ResendBatch(MethodView):
    @staff_required("send_batch_again")
    @blp.response(200, BatchOut)
    def post(self, batch_id: str) -> Any:
        """Send a delivered batch again at the next run, for a platform that lost it (same id,
        the idempotency key: a platform that has it publishes nothing twice); 409 for a batch
        that is not delivered."""
        return batches.resend_batch(batch_id, current_actor())


@blp.route("/items")
class DueItems(MethodView):
    @staff_required()
    @blp.arguments(DueQuery, location="query")
    @blp.response(200, ItemPageOut)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Undelivered items past their statutory deadline (`overdue`) or due by the next
        working day (`soon`)."""
        rows, total = monitor.due_items(args["due"], args["category"], args["page"],
                                        args["per_page"])
        return {"items": rows, "total": total}


def _metrics_allowed() -> None:
    networks = [n.strip() for n in setting_str("METRICS_NETWORKS").split(",")
                if n.strip()]
    if networks:
        try:
            address = ipaddress.ip_address(request.remote_addr or "")
        except ValueError:
            abort(403)
        if not any(address in ipaddress.ip_network(n, strict=False) for n in networks):
            abort(403)
    token = setting_str("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").partition(" ")[2].strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            raise Unauthorized("缺少或无效的访问令牌（Authorization: Bearer …）。")


def metrics() -> Response:
    """Prometheus text format: items by state, overdue items, batches by status, reminders
    waiting, the scheduler's leader and its jobs' last runs, HTTP requests and latency.
    Restricted by ``METRICS_TOKEN`` (a bearer token) and ``METRICS_NETWORKS``."""
    _metrics_allowed()
    figures = monitor.figures()
    registry = CollectorRegistry()
    items = Gauge("creditflow_disclosure_items", "Disclosure items by category and status",
                  ["category", "status"], registry=registry)
    for category, status, count in figures["items"]:
        items.labels(category, status).set(count)
    overdue = Gauge("creditflow_disclosure_items_overdue",
                    "Undelivered items past their statutory deadline", ["category"],
                    registry=registry)
    for category in CATEGORIES:
        overdue.labels(category).set(0)
    for category, count in figures["overdue"]:
        overdue.labels(category).set(count)
    batches = Gauge("creditflow_disclosure_batches", "Batches by category and status",
                    ["category", "status"], registry=registry)
    for category, status, count in figures["batches"]:
        batches.labels(category, status).set(count)
    Gauge("creditflow_listings_expiry_blocked",
          "Listings past their maximum period whose obligations are unmet",
          registry=registry).set(figures["expiry_blocked"])
    objections = Gauge("creditflow_objections", "Objections by category contested and status",
                       ["category", "status"], registry=registry)
    for category, status, count in figures["objections"]:
        objections.labels(category, status).set(count)
    late = Gauge("creditflow_objections_overdue", "Open objections past their deadline",
                 ["category"], registry=registry)
    for category in CATEGORIES:
        late.labels(category).set(0)
    for category, count in figures["objections_overdue"]:
        late.labels(category).set(count)
    mail = Gauge("creditflow_reminders_waiting", "Reminder mails not sent, by status",
                 ["status"], registry=registry)
    for status in ("pending", "failed"):
        mail.labels(status).set(figures["mail"].get(status, 0))
    leader = Gauge("creditflow_scheduler_leader", "1 for the scheduler that holds the lease",
                   ["holder"], registry=registry)
    lease_left = Gauge("creditflow_scheduler_lease_seconds", "Seconds left on the leader's "
                       "lease (0: no scheduler leads)", registry=registry)
    if figures["leader"] is not None:
        holder, expires = figures["leader"]
        leader.labels(holder).set(1)
        lease_left.set(max((expires - utcnow()).total_seconds(), 0))
    ok = Gauge("creditflow_job_last_success_timestamp_seconds",
               "When each scheduler job last finished without error", ["job"],
               registry=registry)
    failed = Gauge("creditflow_job_last_failure_timestamp_seconds",
                   "When each scheduler job last failed", ["job"], registry=registry)
    for job, last_ok, last_failed in figures["jobs"]:
        if last_ok is not None:
            ok.labels(job).set(last_ok.timestamp())
        if last_failed is not None:
            failed.labels(job).set(last_failed.timestamp())
    body = generate_latest(registry) + generate_latest(request_registry())
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def request_registry() -> CollectorRegistry:
    """This process's request counts, or every worker's when PROMETHEUS_MULTIPROC_DIR is set."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry
