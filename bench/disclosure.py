"""Benchmark: the disclosure pipeline on 1,000,000 pending items, beside a plain script.

Not a test. On a fresh SQLite database (the embedded default) built by the migrations, it
inserts N pending items with set-based SQL, then in separate child processes (so that each
peak RSS is its own):

- pipeline: ``run_disclosure()`` with the file publisher (claim batches of 10,000, JSON Lines,
  CSV, manifest, mark delivered);
- baseline: a plain script that selects the same rows in id order and writes them as JSON Lines;
- incremental: 10,000 new items on top of the N delivered, and the same 10,000 on an empty
  history (a second fresh database).

The last line is one JSON object with ``time_ratio`` (pipeline / baseline), ``peak_rss_mb`` (of
the pipeline process) and ``incremental_ratio`` (10,000 on top of N / 10,000 on empty).
Targets: time_ratio <= 3, peak_rss_mb < 300, incremental_ratio <= 1.2.

    python bench/disclosure.py [--items 1000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

# bench/ holds transitions.py, named like the package: keep bench/ off the import path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, os.path.dirname(_HERE))

from bench.keys import KEYS  # noqa: E402

CATEGORIES = ("inspection", "penalty", "coercive_measure", "licensing")


def make_app(url: str, outbox: str):  # type: ignore[no-untyped-def]
    from app import create_app

    return create_app({"DATABASE_URL": url, **KEYS, "OUTBOX_DIR": outbox,
                       "BATCH_SIZE": 10000})


def prepare(url: str) -> dict[str, int]:
    """Migrate, and make one unit with one record per category; returns record ids."""
    import datetime as dt

    from flask_migrate import upgrade

    from app.services.casework import records
    from app.services.casework.units import register_unit
    from app.services.staff.accounts import actor_of, create_user
    from app.uscc import with_check_character

    app = make_app(url, tempfile.mkdtemp())
    with app.app_context():
        upgrade()
        officer = actor_of(create_user("bench", "officer", "bench-password"))
        unit = register_unit(officer, with_check_character("91120110MA0000001"), "基准单位")
        day = dt.date(2026, 3, 2)
        fields = {
            "inspection": {"hazards_found": 2, "hazards_rectified": 1},
            "penalty": {"tier": "general", "penalty_types": ["fine"], "fine_amount": "5000",
                        "facts": "消防设施未保持完好有效", "legal_basis": "消防法第六十条"},
            # A seal-up is a decision reserved for collective deliberation.
            "coercive_measure": {"measure_type": "seal_up", "started_on": day,
                                 "deliberation_ref": "东消集议〔2026〕1号",
                                 "deliberation_on": day},
            "licensing": {"licence_type": "verification", "licence_no": "L-1",
                          "valid_from": day, "valid_to": day.replace(year=2029)},
        }
        ids = {}
        for category in CATEGORIES:
            rec = records.add_record(officer, unit.uscc, {
                "category": category, "document_no": f"B-{category}", "decided_on": day,
                **fields[category]})
            ids[category] = rec.id
        from app.extensions import db

        db.session.execute(db.text("DELETE FROM disclosure_items"))
        db.session.commit()
        db.engine.dispose()
    return ids


def insert_items(url: str, n: int, record_ids: dict[str, int], start: int) -> None:
    """N pending items, set-based: one INSERT ... SELECT over a generated series per category."""
    from app.extensions import db

    app = make_app(url, tempfile.mkdtemp())
    with app.app_context():
        payloads = {}
        for category, rid in record_ids.items():
            from app.models import EnforcementRecord
            from app.services.disclosure.outbox import public_payload

            record = db.session.get(EnforcementRecord, rid)
            payloads[category] = json.dumps(public_payload("add", record, None),
                                            ensure_ascii=False)
        per = n // len(CATEGORIES)
        for category, rid in record_ids.items():
            db.session.execute(db.text(
                "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < :n) "
                "INSERT INTO disclosure_items (category, op, record_id, seq, unit_id, payload,"
                " due_by, status, created_at) SELECT :c, 'add', :r, x, 1, :p, '2026-03-11',"
                " 'pending',"
                " '2026-03-02 00:00:00+00:00' FROM s"), {"n": per, "c": category, "r": rid,
                                                        "p": payloads[category]})
        db.session.commit()
        db.engine.dispose()


def child(phase: str, url: str, outbox: str) -> dict[str, float]:
    """Run one phase in a child process; returns its wall time and peak RSS."""
    command = [sys.executable, __file__, "--phase", phase, "--url", url, "--outbox", outbox]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def phase_pipeline(url: str, outbox: str) -> None:
    from app.services.disclosure.pipeline import run_disclosure

    app = make_app(url, outbox)
    with app.app_context():
        start = time.perf_counter()
        summary = run_disclosure()
        seconds = time.perf_counter() - start
    assert not summary.failed
    report(seconds, sum(summary.items.values()))


def phase_baseline(url: str, outbox: str) -> None:
    """The plain way: select the rows and write JSON Lines, nothing else."""
    import sqlite3

    start = time.perf_counter()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    cursor = conn.execute("SELECT id, op, category, record_id, payload FROM disclosure_items"
                          " WHERE status = 'pending' ORDER BY id")
    count = 0
    with open(os.path.join(outbox, "baseline.jsonl"), "w", encoding="utf-8") as fh:
        while rows := cursor.fetchmany(2000):
            for item_id, op, category, record_id, payload in rows:
                fh.write(json.dumps({"op": op, "item_id": item_id, "record_id": record_id,
                                     "category": category, "fields": json.loads(payload)},
                                    ensure_ascii=False) + "\n")
                count += 1
    conn.close()
    report(time.perf_counter() - start, count)


def report(seconds: float, items: int) -> None:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the parent process.
    with open("/proc/self/status") as fh:
        hwm_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    rss_mb = hwm_kb / 1024
    print(json.dumps({"seconds": round(seconds, 3), "items": items, "rss_mb": round(rss_mb, 1)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--phase", choices=["pipeline", "baseline"])
    parser.add_argument("--url")
    parser.add_argument("--outbox")
    args = parser.parse_args()
    if args.phase:
        {"pipeline": phase_pipeline, "baseline": phase_baseline}[args.phase](args.url, args.outbox)
        return
    with tempfile.TemporaryDirectory() as tmp:
        big, small = f"sqlite:///{tmp}/big.db", f"sqlite:///{tmp}/small.db"
        ids = prepare(big)
        insert_items(big, args.items, ids, 0)
        os.makedirs(f"{tmp}/base")
        baseline = child("baseline", big, f"{tmp}/base")
        print("baseline", baseline, flush=True)
        pipeline = child("pipeline", big, f"{tmp}/outbox")
        print("pipeline", pipeline, flush=True)
        insert_items(big, 10_000, ids, args.items)
        on_top = child("pipeline", big, f"{tmp}/outbox")
        insert_items(small, 10_000, prepare(small), 0)
        on_empty = child("pipeline", small, f"{tmp}/outbox-small")
        print("incremental", on_top, on_empty, flush=True)
    result = {
        "items": args.items,
        "pipeline_s": pipeline["seconds"],
        "baseline_s": baseline["seconds"],
        "time_ratio": round(pipeline["seconds"] / baseline["seconds"], 3),
        "peak_rss_mb": pipeline["rss_mb"],
        "incremental_ratio": round(on_top["seconds"] / on_empty["seconds"], 3),
        "targets": {"time_ratio": "<= 3", "peak_rss_mb": "< 300", "incremental_ratio": "<= 1.2"},
    }
    result["met"] = (result["time_ratio"] <= 3 and result["peak_rss_mb"] < 300
                     and result["incremental_ratio"] <= 1.2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
