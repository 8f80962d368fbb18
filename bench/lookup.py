"""Benchmark: public lookups under load, beside a bare Flask endpoint served the same way.

Not a test. On a fresh PostgreSQL database built by the migrations it loads N units (2% of
them listed, with their listing) and 3 records per unit, each with a delivered disclosure item
carrying its published fields, all with set-based SQL (``INSERT … SELECT generate_series``).
Then, for each app in turn, gunicorn (2 sync workers, 127.0.0.1) serves it and wrk requests
``GET /api/v1/public/units/{code}`` with a random code of the N for a fixed time:

- lookup: the service (``bench/lookup_apps.py:lookup``) — one query per lookup, the JSON body;
- bare: a Flask app whose endpoint returns ``{"uscc": code}`` for the same URL;
- floor: a bare Flask endpoint that runs the lookup's own SQL on an open connection and dumps
  the rows — what one database round trip costs on this machine, with nothing else around it.

The service is also asked for name searches (``GET /api/v1/public/units?q=…``, first page),
each kind for the same time: two characters (a brand, an industry, a district), four (a brand
and an industry) and a broad term most names contain ("有限公司", "公司").

The last line is one JSON object with ``rps_ratio`` (lookup / bare requests per second),
``p99_ms`` (the lookup's 99th percentile latency), ``floor_ratio`` (floor / bare: the most
any lookup that reads the database per request can reach here), ``floor_ratio_service``
(lookup / floor: what the framework, rate limiting and hooks cost on top of the query) and
``name_p99_ms`` per kind of name search. Targets: rps_ratio >= 0.5, p99_ms < 50,
floor_ratio_service >= 0.9, name_p99_ms < 50 for every kind.

    python bench/lookup.py [--units 1000000] [--seconds 20] [--connections 4] [--pg URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_HERE)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]
sys.path.insert(0, _ROOT)

from bench.keys import KEYS  # noqa: E402

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PREFIX = "91120110MA"  # + 7 digits + "0": 18 characters of the code alphabet
LUA = """
math.randomseed(os.time())
request = function()
  return wrk.format("GET", string.format("/api/v1/public/units/%s%07d0", "{prefix}",
                                         math.random(1, {units})))
end
"""

DISTRICTS = ["东丽", "河西", "南开", "河东", "河北", "红桥", "西青", "津南", "北辰", "武清",
             "宝坻", "滨海", "宁河", "静海", "蓟州", "和平"]
BRAND = ("华盛鑫源泰丰瑞祥宏达兴隆昌盛永安德福金鼎海天嘉和恒信正博远航新城明月星辰"
         "佳美康宁润泽广厦通达顺发伟业腾飞")
INDUSTRIES = ["商贸", "物流", "餐饮", "酒店", "物业", "科技", "建材", "机电", "服装", "医药",
              "汽修", "仓储"]
FORMS = ["有限公司", "有限责任公司", "股份有限公司", "经营部", "服务中心"]
NAMES = {"districts": "[" + ",".join(f"'{d}'" for d in DISTRICTS) + "]",
         "n_districts": len(DISTRICTS), "brand": BRAND, "n_brand": len(BRAND),
         "industries": "[" + ",".join(f"'{d}'" for d in INDUSTRIES) + "]",
         "n_industries": len(INDUSTRIES),
         "forms": "[" + ",".join(f"'{d}'" for d in FORMS) + "]", "n_forms": len(FORMS)}


def name_terms(kind: str) -> list[str]:
    """What the public types: two characters (a brand, an industry, a district), four (a
    brand and an industry), or a term most names contain."""
    brands = [BRAND[i] + BRAND[i + 1] for i in range(0, len(BRAND) - 1, 2)]
    if kind == "two":
        return brands + INDUSTRIES + DISTRICTS
    if kind == "four":
        return [b + i for b in brands[:10] for i in INDUSTRIES]
    return ["有限公司", "公司", "天津市", "有限"]


LOAD = [
    # one account to have proposed the listings
    """INSERT INTO users (username, display_name, role, password_hash, active, created_at,
                          session_epoch)
       VALUES ('bench', 'bench', 'officer', 'x', true, now(), 1)""",
    # Names as a register has them: city, district, a two-character brand from 60 common
    # characters, an industry and a legal form ("天津市东丽华盛物流有限公司").
    """INSERT INTO units (uscc, name, street, credit_status, version, access_failures,
                          created_at)
       SELECT '{prefix}' || lpad(i::text, 7, '0') || '0',
              '天津市' || (ARRAY{districts})[1 + i % {n_districts}]
              || substr('{brand}', 1 + ((i::bigint * 7919) % {n_brand})::int, 1)
              || substr('{brand}', 1 + ((i::bigint * 104729) % {n_brand})::int, 1)
              || (ARRAY{industries})[1 + (i / 7) % {n_industries}]
              || (ARRAY{forms})[1 + (i / 13) % {n_forms}],
              '无瑕街道', CASE WHEN i % 50 = 0 THEN 'listed' ELSE 'normal' END, 1, 0, now()
       FROM generate_series(1, {units}) AS i""",
    """INSERT INTO enforcement_records (unit_id, category, document_no, decided_on, publish_by,
              publish_by_provisional, status, facts, legal_basis, tier, penalty_types,
              fine_amount, hazards_found, hazards_rectified, licence_type, licence_no,
              valid_from, valid_to, created_by, created_at)
       SELECT (j - 1) / 3 + 1, c.category, c.category || '-' || j,
              current_date - (j % 300), current_date - (j % 300) + 9, false, 'active',
              '消防设施未保持完好有效', '《中华人民共和国消防法》第六十条',
              CASE WHEN c.category = 'penalty' THEN 'general' END,
              CASE WHEN c.category = 'penalty' THEN '["fine"]'::json END,
              CASE WHEN c.category = 'penalty' THEN 5000.00 END,
              CASE WHEN c.category = 'inspection' THEN 3 END,
              CASE WHEN c.category = 'inspection' THEN 3 END,
              CASE WHEN c.category = 'licensing' THEN 'ordinary' END,
              CASE WHEN c.category = 'licensing' THEN 'XK-' || j END,
              CASE WHEN c.category = 'licensing' THEN current_date - (j % 300) END,
              CASE WHEN c.category = 'licensing' THEN current_date + 700 END, 1, now()
       FROM generate_series(1, {units} * 3) AS j
       JOIN (VALUES (0, 'inspection'), (1, 'penalty'), (2, 'licensing')) AS c(k, category)
         ON c.k = j % 3""",
    """INSERT INTO listings (unit_id, level, reason, document_no, decided_on, min_until,
              max_until, status, proposed_by, proposed_at, decided_by, decided_at)
       SELECT u.id, 'general', '拒不改正消防违法行为', '津东消信列字-' || u.id,
              current_date - 100, current_date - 10, current_date + 265, 'active', 1, now(),
              1, now()
       FROM units u WHERE u.credit_status = 'listed'""",
    """INSERT INTO disclosure_batches (id, category, created_at, item_count, sha256, status,
              attempts, delivered_at, publisher)
       SELECT 'bench-' || c, c, now(), 0, repeat('0', 64), 'delivered', 1, now(), 'file'
       FROM unnest(ARRAY['inspection', 'penalty', 'licensing']) AS c""",
    """INSERT INTO disclosure_items (category, op, record_id, seq, unit_id, payload, due_by,
              status, batch_id, created_at)
       SELECT r.category, 'add', r.id, r.id, r.unit_id,
              json_build_object('行政相对人名称', u.name, '行政相对人类别', '法人及非法人组织',
                '行政相对人代码_1（统一社会信用代码）', u.uscc, '法定代表人', '',
                '文书号', r.document_no, '违法事实', r.facts, '处罚依据', r.legal_basis,
                '处罚内容', CASE WHEN r.category = 'penalty' THEN '罚款人民币5000.00元' END,
                '罚款金额（万元）', CASE WHEN r.category = 'penalty' THEN '0.500000' END,
                '决定日期', r.decided_on::text,
                '公示截止期', CASE WHEN r.category = 'penalty'
                                  THEN (r.decided_on + interval '1 year')::date::text END,
                '数据来源单位', '天津市东丽区消防救援支队',
                '数据来源单位统一社会信用代码', '11120110MB1234567C', '备注', ''),
              r.publish_by, 'delivered', 'bench-' || r.category, now()
       FROM enforcement_records r JOIN units u ON u.id = r.unit_id""",
    "ANALYZE",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_database(admin: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + "/" + name


def drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load(url: str, units: int) -> float:
    """Migrate, then load the district with set-based SQL; returns seconds spent loading."""
    import psycopg
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"DATABASE_URL": url, **KEYS})
    with app.app_context():
        upgrade()
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in LOAD:
            conn.execute(statement.format(units=units, prefix=PREFIX,  # type: ignore[arg-type]
                                          **NAMES))
    return time.perf_counter() - started


def serve(target: str, url: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CREDITFLOW_DATABASE_URL": url, "CREDITFLOW_SCHEDULER_IN_SERVE": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "--chdir", _ROOT, "--log-level", "warning", target],
        env=env, start_new_session=True,
    )
    probe = f"http://127.0.0.1:{port}/api/v1/public/units/{PREFIX}00000010"
    for _ in range(300):
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return proc
        except OSError:
            time.sleep(0.1)
    stop(proc)
    raise RuntimeError(f"{target} did not start")


def stop(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(port: int, script_text: str, seconds: int, connections: int) -> dict[str, float]:
    """Requests per second and the 99th percentile latency (ms) of one wrk run."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(script_text)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name,
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"\s99%\s+([\d.]+)(us|ms|s)\b", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{errors.group(1)} failed requests:\n{out}")
    return {"rps": rps, "p99_ms": _ms(p99.group(1), p99.group(2))}  # type: ignore[union-attr]


def code_script(units: int) -> str:
    return LUA.replace("{prefix}", PREFIX).replace("{units}", str(units))


def name_script(kind: str) -> str:
    """A wrk script asking for the first page of a random term of ``kind``."""
    paths = [f"/api/v1/public/units?q={urllib.parse.quote(t)}&per_page=20"
             for t in name_terms(kind)]
    table = ", ".join(f'"{p}"' for p in paths)
    return (f"math.randomseed(os.time())\nlocal paths = {{{table}}}\n"
            "request = function()\n  return wrk.format(\"GET\", paths[math.random(#paths)])\n"
            "end\n")


def measure(target: str, url: str, args: argparse.Namespace,
            scripts: dict[str, str]) -> dict[str, dict[str, float]]:
    """Each wrk script in turn against one gunicorn serving ``target``."""
    port = free_port()
    proc = serve(target, url, port)
    try:
        results = {}
        for kind, script in scripts.items():
            wrk(port, script, 3, args.connections)  # warm-up: imports, connections, caches
            results[kind] = wrk(port, script, args.seconds, args.connections)
        return results
    finally:
        stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--pg", default=ADMIN_URL, help="an administrative database URL")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    name = f"creditflow_bench_lookup_{os.getpid()}"
    url = make_database(args.pg, name)
    try:
        seconds = load(url, args.units)
        print(f"loaded {args.units:,} units, {3 * args.units:,} records and their published "
              f"items in {seconds:.1f} s", flush=True)
        codes = {"code": code_script(args.units)}
        bare = measure("bench.lookup_apps:bare()", url, args, codes)["code"]
        print(f"bare:   {bare['rps']:.0f} req/s, p99 {bare['p99_ms']:.1f} ms", flush=True)
        names = {kind: name_script(kind) for kind in ("two", "four", "broad")}
        service = measure("bench.lookup_apps:lookup()", url, args, {**codes, **names})
        lookup = service["code"]
        print(f"lookup: {lookup['rps']:.0f} req/s, p99 {lookup['p99_ms']:.1f} ms", flush=True)
        for kind in names:
            print(f"name search ({kind}): {service[kind]['rps']:.0f} req/s, "
                  f"p99 {service[kind]['p99_ms']:.1f} ms", flush=True)
        floor = measure("bench.lookup_apps:floor()", url, args, codes)["code"]
        print(f"floor:  {floor['rps']:.0f} req/s, p99 {floor['p99_ms']:.1f} ms", flush=True)
    finally:
        if not args.keep:
            drop_database(args.pg, name)
    print(json.dumps({"units": args.units, "records": 3 * args.units,
                      "connections": args.connections, "bare_rps": round(bare["rps"], 1),
                      "lookup_rps": round(lookup["rps"], 1),
                      "floor_rps": round(floor["rps"], 1),
                      "floor_ratio": round(floor["rps"] / bare["rps"], 3),
                      "rps_ratio": round(lookup["rps"] / bare["rps"], 3),
                      "floor_ratio_service": round(lookup["rps"] / floor["rps"], 3),
                      "p99_ms": round(lookup["p99_ms"], 2),
                      "name_p99_ms": {kind: round(service[kind]["p99_ms"], 2)
                                      for kind in names},
                      "name_rps": {kind: round(service[kind]["rps"], 1) for kind in names}}))


if __name__ == "__main__":
    main()
