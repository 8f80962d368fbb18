"""Benchmark: a year of registers imported from Excel, beside a bare baseline.

Not a test. Writes a workbook on the template with U units and N records of the four
categories (60 % inspections, 20 % penalties, 10 % coercive measures, 10 % licences), then in
the same run:

- import: ``creditflow import FILE`` into a fresh, migrated database: every row checked with
  the entry rules, units and records written set-based with their audit events and
  disclosure items, in one transaction;
- baseline: the same rows read from the same file (openpyxl, read-only) and written with one
  set-based INSERT per table, nothing checked, no audit events, no disclosure items.

The last line is one JSON object with ``time_ratio`` (import / baseline seconds; target <= 3)
and ``peak_rss_mb`` (the import process's peak resident memory; target < 300).

    python bench/import.py [--records 100000] [--units 10000] [--pg URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, _ROOT)

from bench.keys import KEYS  # noqa: E402

BASELINE = r"""
import sys, time
from openpyxl import load_workbook
from sqlalchemy import create_engine, text
url, path = sys.argv[1], sys.argv[2]
started = time.perf_counter()
book = load_workbook(path, read_only=True)
engine = create_engine(url)
with engine.begin() as conn:
    units = [r for r in book["单位"].iter_rows(min_row=2, values_only=True)]
    conn.execute(text("INSERT INTO units (uscc, name, street, credit_status, version, "
                      "access_failures, audit_seq, audit_head, self_session_epoch, created_at) "
                      "VALUES (:u, :n, :s, 'normal', 1, 0, 0, :h, 1, CURRENT_TIMESTAMP)"),
                 [{"u": r[0], "n": r[1], "s": r[2], "h": "0" * 64} for r in units])
    ids = dict(conn.execute(text("SELECT uscc, id FROM units")).all())
    rows = []
    for sheet, category in (("监督检查", "inspection"), ("行政处罚", "penalty"),
                            ("行政强制", "coercive_measure"), ("行政许可", "licensing")):
        for r in book[sheet].iter_rows(min_row=2, values_only=True):
            rows.append({"unit": ids[r[0]], "c": category, "d": r[1], "on": r[2]})
    conn.execute(text("INSERT INTO enforcement_records (unit_id, category, document_no, "
                      "decided_on, publish_by, publish_by_provisional, status, major_hazard, "
                      "created_at) VALUES (:unit, :c, :d, :on, :on, false, 'active', false, "
                      "CURRENT_TIMESTAMP)"), rows)
print(time.perf_counter() - started)
"""


def workbook(path: str, units: int, records: int) -> None:
    from openpyxl import Workbook

    from app.services.casework.importing import SHEETS
    from app.uscc import with_check_character

    book = Workbook(write_only=True)
    codes = [with_check_character(f"91120110MC{i:07d}") for i in range(units)]
    streets = ["金钟街道", "张贵庄街道", "新立街道", "华明街道"]
    # Decisions of the last year, still inside their publicity: every record is published, as
    # the register of a year being entered is (older ones are stored but not published).
    day = dt.date.today() - dt.timedelta(days=380)
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, sheet in sheets.items():
        sheet.append([c.header for c in SHEETS[name][1]])
    for i, code in enumerate(codes):
        sheets["单位"].append([code, f"天津测试商贸有限公司（{i:05d}）", streets[i % 4], None,
                              None, None])
    for k in range(records):
        code, on = codes[k % units], day + dt.timedelta(days=k % 350)
        kind = k % 10
        if kind < 6:
            sheets["监督检查"].append([code, f"检-{k}", on, "检查", 2, 1, None, None, "否",
                                      None, None])
        elif kind < 8:
            sheets["行政处罚"].append([code, f"罚-{k}", on, "一般", "罚款", "5000.00", "事实",
                                      "依据", None, None])
        elif kind < 9:
            sheets["行政强制"].append([code, f"强-{k}", on, "其他", on, None, "事实", "依据",
                                      None, None])
        else:
            sheets["行政许可"].append([code, f"许-{k}", on, "核准", f"XK-{k}", on,
                                      on + dt.timedelta(days=3 * 365), None, None])
    book.save(path)


def fresh(url: str | None, folder: str, name: str) -> str:
    if url is None:
        return f"sqlite:///{folder}/{name}.db"
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def drop(url: str | None, name: str) -> None:
    """Drop a bench database made by ``fresh`` (SQLite files go with their folder)."""
    if url is None:
        return
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def env_for(url: str) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("CREDITFLOW_")},
            "CREDITFLOW_DATABASE_URL": url, "CREDITFLOW_SECRET_KEY": KEYS["SECRET_KEY"],
            "CREDITFLOW_AUDIT_KEY": KEYS["AUDIT_KEY"], "CREDITFLOW_LOG_LEVEL": "WARNING",
            "CREDITFLOW_AUTHORITY_USCC": KEYS["AUTHORITY_USCC"],
            "CREDITFLOW_IMPORT_MAX_BYTES": str(200 * 1024 * 1024)}


def migrate(url: str) -> None:
    subprocess.run([sys.executable, "-m", "app.cli", "db", "upgrade"], env=env_for(url),
                   check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--pg", default=None, help="a PostgreSQL URL (a database is created)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "registers.xlsx")
        started = time.perf_counter()
        workbook(path, args.units, args.records)
        print(f"workbook: {args.units:,} units, {args.records:,} records, "
              f"{os.path.getsize(path) / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s",
              flush=True)
        base_url = fresh(args.pg, folder, f"bench_import_base_{os.getpid()}")
        migrate(base_url)
        done = subprocess.run([sys.executable, "-c", BASELINE, base_url.replace(
            "postgresql://", "postgresql+psycopg://"), path], capture_output=True, text=True,
            check=True)
        baseline = float(done.stdout.strip().splitlines()[-1])
        print(f"baseline (read + one INSERT per table): {baseline:.1f} s", flush=True)
        url = fresh(args.pg, folder, f"bench_import_{os.getpid()}")
        migrate(url)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "app.cli", "import", path],
                             env=env_for(url), capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if run.returncode != 0:
            raise SystemExit(run.stdout[-3000:] + run.stderr[-3000:])
        print(f"creditflow import: {seconds:.1f} s; {run.stdout.strip().splitlines()[-1]}",
              flush=True)
        for name in (f"bench_import_base_{os.getpid()}", f"bench_import_{os.getpid()}"):
            drop(args.pg, name)
    print(json.dumps({"records": args.records, "units": args.units,
                      "database": "postgresql" if args.pg else "sqlite",
                      "baseline_s": round(baseline, 2), "import_s": round(seconds, 2),
                      "time_ratio": round(seconds / baseline, 2),
                      "peak_rss_mb": round(max(peak, before) / 1024, 1)}))


if __name__ == "__main__":
    main()
