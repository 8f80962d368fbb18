"""Benchmark: list -> request -> approve cycles through the service layer, beside plain SQL.

Not a test. For each database (SQLite file, and PostgreSQL when reachable) it builds a fresh
schema with the migrations, prepares 2 x N units with a penalty each and its fine paid, then
times N full cycles through the service layer (state machine, guards, audit hash chain,
outbox rows, optimistic lock) and N cycles of a baseline that does the same writes with
plain SQL statements in the same transactions. The last line is one JSON object;
``ratio`` = service rate / baseline rate (target >= 0.25 on both databases).

    python bench/transitions.py [--cycles 200] [--pg postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import create_engine, text

# This file is named like the `transitions` package: take its folder off the import path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

from app import create_app  # noqa: E402
from app.config import normalise_database_url  # noqa: E402
from app.extensions import db  # noqa: E402
from app.services.audit.unit_trail import event_hash, head_seal  # noqa: E402
from app.services.base.context import today  # noqa: E402
from app.services.casework import records  # noqa: E402
from app.services.casework.units import register_unit  # noqa: E402
from app.services.credit import listings, restoration  # noqa: E402
from app.services.staff.accounts import actor_of, create_user  # noqa: E402
from app.uscc import with_check_character  # noqa: E402
from bench.keys import KEYS  # noqa: E402

ROUND = 20


def prepare(n: int, offset: int, officer: Any) -> list[tuple[int, str, int]]:
    """Units with one penalty each, fine paid: (unit id, code, record id)."""
    out = []
    decided = today() - dt.timedelta(days=500)
    for i in range(offset, offset + n):
        unit = register_unit(officer, with_check_character(f"91120110MB{i:07d}"), f"单位{i}")
        rec = records.add_record(officer, unit.uscc, {
            "category": "penalty", "document_no": f"B-{i}", "decided_on": decided,
            "tier": "general", "penalty_types": ["fine"], "fine_amount": "1000",
            "facts": "f", "legal_basis": "b"})
        records.record_payment(officer, rec.id, "1000", today())
        out.append((unit.id, unit.uscc, rec.id))
    return out


def service_cycles(units: list[tuple[int, str, int]], officer: Any, sup: Any, sup2: Any) -> None:
    decided = today() - dt.timedelta(days=400)
    for _unit_id, code, rec_id in units:
        lst = listings.propose_listing(
            officer, code, "general", "r", [rec_id], f"S-{code}", decided
        )
        listings.approve_listing(sup, lst.id)
        req = restoration.file_request(officer, code, True)
        restoration.approve_request(sup2, req.id)
        db.session.remove()


def baseline_cycles(units: list[tuple[int, str, int]], ids: tuple[int, int, int]) -> None:
    """The same rows written with plain SQL: no ORM, no machine, no guards."""
    officer_id, sup_id, sup2_id = ids
    engine = db.engine
    decided, now = today() - dt.timedelta(days=400), dt.datetime.now(dt.UTC)
    seq_sql = text(
        "SELECT seq, hash FROM audit_events WHERE unit_id = :u ORDER BY seq DESC LIMIT 1"
    )
    audit_sql = text(
        "INSERT INTO audit_events (unit_id, seq, trigger, from_status, to_status, actor_id, actor,"
        " role, reason, refs, occurred_at, prev_hash, hash) VALUES (:u, :seq, :t, :f, :to, :a,"
        " 'x', 'supervisor', NULL, :refs, :now, :prev, :hash)"
    )
    head_sql = text("UPDATE units SET audit_seq = :seq, audit_head = :head, audit_seal = :seal"
                    " WHERE id = :u")
    item_sql = text(
        "INSERT INTO disclosure_items (category, op, record_id, seq, unit_id, listing_id,"
        " payload, due_by, status, created_at)"
        " VALUES ('penalty', :op, :r, (SELECT CASE WHEN COALESCE(MAX(seq), 0) + 1 > :clock"
        " THEN COALESCE(MAX(seq), 0) + 1 ELSE :clock END FROM disclosure_items"
        " WHERE record_id = :r), :u, :l, :p, :due, 'pending', :now)"
    )

    def audit(conn: Any, u: int, t: str, f: str, to: str, a: int) -> None:
        # The same row as the service writes: refs as JSON, the chained hash over its fields.
        last = conn.execute(seq_sql, {"u": u}).first()
        seq, prev = (last[0] + 1, last[1]) if last else (1, "0" * 64)
        refs = {"listing_id": u}
        fields = {"unit_id": u, "seq": seq, "trigger": t, "from_status": f, "to_status": to,
                  "actor_id": a, "actor": "x", "role": "supervisor", "reason": None,
                  "refs": refs, "occurred_at": now}
        digest = event_hash(prev, fields)
        conn.execute(audit_sql, {"u": u, "seq": seq, "t": t, "f": f, "to": to, "a": a,
                                 "refs": json.dumps(refs), "now": now, "prev": prev,
                                 "hash": digest})
        # The chain head and its seal on the unit row, as the service keeps them.
        conn.execute(head_sql, {"u": u, "seq": seq, "head": digest,
                                "seal": head_seal(u, seq, digest, to)})

    def status(conn: Any, u: int, to: str) -> None:
        conn.execute(text("UPDATE units SET credit_status = :s, version = version + 1"
                          " WHERE id = :u"), {"s": to, "u": u})

    for u, code, rec_id in units:
        # A payload of the same shape and size as the service's record snapshot.
        payload = json.dumps({"op": "update", "record_id": rec_id, "category": "penalty",
                              "unit": {"uscc": code, "name": f"单位{u}",
                                       "legal_representative": None},
                              "authority": {"name": "天津市东丽区消防救援支队", "uscc": code},
                              "document_no": f"B-{u}", "decided_on": decided.isoformat(),
                              "facts": "f", "legal_basis": "b", "tier": "general",
                              "penalty_types": ["fine"], "fine_amount": "1000.00",
                              "status": "active", "listing": {"id": u, "level": "general"}},
                             ensure_ascii=False)
        with engine.begin() as conn:
            lid = conn.execute(text(
                "INSERT INTO listings (unit_id, level, reason, document_no, decided_on, min_until,"
                " max_until, status, proposed_by, proposed_at) VALUES (:u, 'general', 'r', :d,"
                " :dec, :dec, :dec, 'proposed', :o, :now) RETURNING id"),
                {"u": u, "d": f"P-{code}", "dec": decided, "o": officer_id,
                 "now": now}).scalar()
            conn.execute(text("INSERT INTO listing_basis (listing_id, record_id) VALUES (:l, :r)"),
                         {"l": lid, "r": rec_id})
            audit(conn, u, "listing_proposed", "normal", "normal", officer_id)
        with engine.begin() as conn:
            conn.execute(text("UPDATE listings SET status = 'active', decided_by = :s"
                              " WHERE id = :l"), {"s": sup_id, "l": lid})
            status(conn, u, "listed")
            audit(conn, u, "list_as_dishonest", "normal", "listed", sup_id)
            conn.execute(item_sql, {"op": "update", "r": rec_id, "u": u, "l": lid, "p": payload,
                                    "due": decided, "now": now, "clock": time.time_ns() // 1000})
        with engine.begin() as conn:
            rid = conn.execute(text(
                "INSERT INTO restoration_requests (unit_id, listing_id, status, commitment_signed,"
                " filed_by, filed_at, due_on, due_on_provisional) VALUES (:u, :l, 'submitted',"
                " true, :o, :now, :dec, false) RETURNING id"),
                {"u": u, "l": lid, "o": officer_id, "now": now,
                 "dec": decided}).scalar()
            status(conn, u, "restoration_requested")
            audit(conn, u, "request_restoration", "listed", "restoration_requested", officer_id)
        with engine.begin() as conn:
            conn.execute(text("UPDATE restoration_requests SET status = 'approved', decided_by = :s"
                              " WHERE id = :r"), {"s": sup2_id, "r": rid})
            conn.execute(text("UPDATE listings SET status = 'restored', ended_on = :d"
                              " WHERE id = :l"), {"d": decided, "l": lid})
            status(conn, u, "restored")
            audit(conn, u, "approve_restoration", "restoration_requested", "restored", sup2_id)
            conn.execute(item_sql, {"op": "withdraw", "r": rec_id, "u": u, "l": lid, "p": payload,
                                    "due": decided, "now": now, "clock": time.time_ns() // 1000})


def run(url: str, cycles: int) -> dict[str, float]:
    from flask_migrate import upgrade

    app = create_app({"DATABASE_URL": url, **KEYS})
    with app.app_context():
        upgrade()
        people = [actor_of(create_user(f"b{r}", r.rstrip("2"), "bench-password", r))
                  for r in ("officer", "supervisor", "supervisor2")]
        service_units = prepare(cycles, 0, people[0])
        baseline_units = prepare(cycles, cycles, people[0])
        db.session.remove()
        # Interleave rounds of both, so that drift of a noisy machine hits both alike.
        service_s = baseline_s = 0.0
        ids = tuple(p.id for p in people)
        for n, i in enumerate(range(0, cycles, ROUND)):
            for which in ("service", "baseline") if n % 2 == 0 else ("baseline", "service"):
                start = time.perf_counter()
                if which == "service":
                    service_cycles(service_units[i : i + ROUND], *people)
                    service_s += time.perf_counter() - start
                else:
                    baseline_cycles(baseline_units[i : i + ROUND], ids)  # type: ignore[arg-type]
                    baseline_s += time.perf_counter() - start
        db.engine.dispose()
    return {
        "service_cycles_per_s": round(cycles / service_s, 1),
        "baseline_cycles_per_s": round(cycles / baseline_s, 1),
        "ratio": round(baseline_s / service_s, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument(
        "--pg",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server to create a scratch database on ('' to skip)",
    )
    args = parser.parse_args()
    results: dict[str, Any] = {"cycles": args.cycles}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{tmp}/bench.db", args.cycles)
        print("sqlite", results["sqlite"], flush=True)
    if args.pg:
        admin = create_engine(normalise_database_url(args.pg), isolation_level="AUTOCOMMIT")
        name = f"creditflow_bench_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        try:
            results["postgresql"] = run(args.pg.rsplit("/", 1)[0] + f"/{name}", args.cycles)
            print("postgresql", results["postgresql"], flush=True)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    results["target"] = ">= 0.25 on each database"
    results["met"] = all(r["ratio"] >= 0.25 for k, r in results.items()
                         if isinstance(r, dict))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
