"""A realistic demo district: Dongli's streets, a few hundred units, all four categories,
and listed units at every stage. Everything goes through the service layer, so the audit
trail and the disclosure outbox are filled exactly as in real use."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select

from app.config import DEFAULTS
from app.errors import Conflict, DomainError
from app.extensions import db
from app.i18n import N_
from app.models import EnforcementRecord, User
from app.services.base.context import today
from app.services.casework import records
from app.services.casework.units import register_unit
from app.services.credit import listings, restoration
from app.services.staff.accounts import actor_of, create_user
from app.uscc import with_check_character

# Streets of Dongli District named in the seed report, and the district's others (the
# default of the STREETS setting).
STREETS = tuple(DEFAULTS["STREETS"])
KINDS = ("仓储物流有限公司", "商贸有限公司", "餐饮管理有限公司", "农贸市场", "宾馆",
         "超市", "机械制造有限公司", "幼儿园", "养老院", "汽车修理厂")
NAMES = ("津东", "金钟", "华明", "东丽湖", "赵沽里", "新立", "万隆", "丰年", "顺通", "恒达",
         "鑫源", "宏达", "利民", "安泰", "瑞丰", "众诚")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
STAFF = (
    ("demo-officer", "officer", "执法人员 王强"),
    ("demo-officer2", "officer", "执法人员 李娜"),
    ("demo-supervisor", "supervisor", "审核人 张伟"),
    ("demo-supervisor2", "supervisor", "审核人 刘洋"),
    ("demo-admin", "admin", "管理员"),
)
DEMO_PASSWORD = "creditflow-demo"


def _staff() -> dict[str, Any]:
    out = {}
    for username, role, display in STAFF:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(username, role, DEMO_PASSWORD, display)
        out[username] = actor_of(user)
    return out


def _record(rng: random.Random, category: str, n: int, decided: dt.date) -> dict[str, Any]:
    year = decided.year
    base: dict[str, Any] = {"category": category, "decided_on": decided}
    if category == "inspection":
        found = rng.choice((0, 0, 1, 2, 3, 5))
        base.update(document_no=f"津东消监检字〔{year}〕第{n:05d}号", hazards_found=found,
                    hazards_rectified=rng.randint(0, found), facts="消防监督检查")
    elif category == "penalty":
        fine = rng.choice((5000, 10000, 20000, 30000, 50000))
        base.update(document_no=f"津东消行罚决字〔{year}〕{n:04d}号",
                    tier="general" if fine < 30000 else "serious",
                    penalty_types=["fine"] if fine < 50000 else ["fine", "stop_use"],
                    fine_amount=str(fine), facts="消防设施、器材未保持完好有效",
                    legal_basis="《中华人民共和国消防法》第六十条第一款第一项")
        if fine >= 30000:  # collective deliberation before the decision
            base.update(deliberation_ref=f"东消集议〔{year}〕{n:04d}号", deliberation_on=decided)
    elif category == "coercive_measure":
        base.update(document_no=f"津东消强字〔{year}〕{n:04d}号",
                    measure_type=rng.choice(("seal_up", "seal_up", "enforcement")),
                    started_on=decided,
                    facts="存在严重威胁公共安全的火灾隐患",
                    legal_basis="《中华人民共和国消防法》第五十四条",
                    deliberation_ref=f"东消集议〔{year}〕强{n:04d}号", deliberation_on=decided)
    else:
        base.update(document_no=f"津东消许字〔{year}〕{n:04d}号", licence_type="verification",
                    licence_no=f"DLXF{year}{n:05d}", valid_from=decided,
                    valid_to=decided + dt.timedelta(days=365 * 3),
                    facts="公众聚集场所投入使用、营业前消防安全检查合格")
    return base


def load_demo(unit_count: int = 300, seed: int = 2023) -> dict[str, int]:
    """Fill the database with a demo district; returns counts of what was made."""
    rng = random.Random(seed)
    people = _staff()
    officer, sup = people["demo-officer"], people["demo-supervisor"]
    counts = dict.fromkeys(
        ("units", "records", "proposed", "listed", "restoration_requested", "restored"), 0
    )
    n = 0
    for i in range(unit_count):
        name = f"天津{rng.choice(NAMES)}{rng.choice(KINDS)}（{i + 1:03d}）"
        code = with_check_character(f"91120110MA{seed % 100:02d}{i:05d}")
        try:
            unit = register_unit(
                officer, code, name, street=rng.choice(STREETS),
                address=f"天津市东丽区{rng.choice(STREETS)}{rng.randint(1, 999)}号",
                legal_representative=rng.choice(SURNAMES) + rng.choice("明华强军丽敏静"),
                contact_phone=f"1{rng.randint(3000000000, 9999999999)}",
            )
        except DomainError:
            continue  # already loaded
        counts["units"] += 1
        for category in ("inspection", "inspection", "licensing", "penalty", "coercive_measure"):
            if category != "inspection" and rng.random() < 0.6:
                continue
            n += 1
            decided = today() - dt.timedelta(days=rng.randint(3, 700))
            records.add_record(officer, unit.uscc, _record(rng, category, n, decided))
            counts["records"] += 1
        if i % 6 == 0:
            _list_at_some_stage(rng, unit.uscc, officer, sup, people, n, counts)
            n += 1
    return counts


def _list_at_some_stage(rng, uscc, officer, sup, people, n, counts) -> None:
    days_ago = rng.choice((30, 200, 400))
    decided = today() - dt.timedelta(days=days_ago)
    penalty = records.add_record(officer, uscc, _record(rng, "penalty", 90000 + n, decided))
    lst = listings.propose_listing(officer, uscc, "general", "逾期未改正消防违法行为",
                                   [penalty.id], f"津东消信列字〔{decided.year}〕{n:04d}号",
                                   decided)
    stage = rng.choice(("proposed", "listed", "requested", "restored"))
    if stage == "proposed":
        counts["proposed"] += 1
        return
    listings.approve_listing(sup, lst.id)
    if days_ago < 100 or stage == "listed":
        counts["listed"] += 1
        return
    records.record_payment(officer, penalty.id, penalty.fine_amount, today())
    req = restoration.file_request(officer, uscc, True, "已缴清罚款并签署信用承诺书")
    if stage == "restored":
        for record in records.unit_records(uscc, "inspection"):
            left = (record.hazards_found or 0) - (record.hazards_rectified or 0)
            if left:
                records.record_rectification(officer, record.id, today(), left, "复查合格")
        restoration.approve_request(people["demo-supervisor2"], req.id)
        counts["restored"] += 1
    else:
        counts["restoration_requested"] += 1


# The district's 2023 enforcement paragraph (shared/seed/, the detachment's 2023 report):
# "支队共检查单位1625家次，发现隐患2336处，督促整改火灾隐患2213处，下发《责令改正通知书》1067份，
# 行政处罚152起，临时查封34家，责令“三停”27家，罚款185.49万元，整改销案重大隐患6家"; and
# "共有100余家单位被纳入消防安全一般失信单位".
SEED_2023: dict[str, Any] = {"inspections": 1625, "hazards_found": 2336, "hazards_rectified": 2213,
             "correction_notices": 1067, "penalties": 152, "seal_ups": 34, "stop_orders": 27,
             "fines_yuan": "1854900.00", "major_hazards_closed": 6}
SEED_LISTED = 103  # "100余家"


def load_year(year: int = 2023, unit_count: int = 1300) -> dict[str, int]:
    """A district whose ``year`` gives exactly the seed report's figures (``SEED_2023``):
    units on Dongli's streets, then the year's inspections, penalties (fines of CNY 10,000 and
    30,000 and 12,745, the 三停 among them, deliberated where the law asks), seal-ups, closed
    major hazards and 103 listings, all through the services. Deterministic."""
    people = _staff()
    officer, sup = people["demo-officer"], people["demo-supervisor"]
    first = f"津东消监检字〔{year}〕第00001号"
    if db.session.scalar(select(EnforcementRecord.id)
                         .where(EnforcementRecord.document_no == first)) is not None:
        raise Conflict(N_("%(year)s 年的演示数据已经载入。", year=year))
    codes = []
    for i in range(unit_count):
        code = with_check_character(f"91120110MB{year % 100:02d}{i:05d}")
        street = STREETS[i % len(STREETS)]
        register_unit(officer, code, f"天津{NAMES[i % len(NAMES)]}{KINDS[i % len(KINDS)]}"
                                     f"（{year}-{i + 1:04d}）",
                      street=street, address=f"天津市东丽区{street}{i % 900 + 1}号")
        codes.append(code)

    def day(k: int, of: int, last: int = 355) -> dt.date:
        return dt.date(year, 1, 3) + dt.timedelta(days=k * last // of)

    seed = SEED_2023
    extra_found = seed["hazards_found"] - seed["inspections"]  # one hazard each, some two
    unfixed = seed["hazards_found"] - seed["hazards_rectified"]
    made = dict.fromkeys(("units", "records", "listings"), 0)
    made["units"] = len(codes)
    for k in range(seed["inspections"]):
        decided = day(k, seed["inspections"], 300)
        found = 2 if k < extra_found else 1
        data: dict[str, Any] = {
            "category": "inspection", "document_no": f"津东消监检字〔{year}〕第{k + 1:05d}号",
            "decided_on": decided, "hazards_found": found,
            "hazards_rectified": found - 1 if k < unfixed else found, "facts": "消防监督检查"}
        if k < seed["correction_notices"]:
            data.update(correction_notice_no=f"津东消改字〔{year}〕第{k + 1:05d}号",
                        correction_notice_on=decided)
        if k % 250 == 7 and k // 250 < seed["major_hazards_closed"]:
            data.update(major_hazard=True, major_hazard_listed_on=decided,
                        major_hazard_closed_on=decided + dt.timedelta(days=45))
        records.add_record(officer, codes[(k * 7) % len(codes)], data)
        made["records"] += 1
    # 152 penalties: 100 of CNY 10,000 (27 of them with a 三停), 20 of 30,000, 20 of 12,745,
    # 12 warnings: CNY 1,854,900 in all.
    fines = ["10000"] * 100 + ["30000"] * 20 + ["12745"] * 20 + [None] * 12
    penalties = []
    for k, fine in enumerate(fines):
        decided = day(k, len(fines))
        types = ["warning"] if fine is None else ["fine"]
        if k < seed["stop_orders"]:
            types = ["fine", "suspension"]
        data = {"category": "penalty", "document_no": f"津东消行罚决字〔{year}〕{k + 1:04d}号",
                "decided_on": decided, "tier": "general", "penalty_types": types,
                "fine_amount": fine, "facts": "消防设施、器材未保持完好有效",
                "legal_basis": "《中华人民共和国消防法》第六十条第一款第一项"}
        if k < seed["stop_orders"] or (fine and int(fine) >= 30000):
            data.update(deliberation_ref=f"东消集议〔{year}〕{k + 1:04d}号",
                        deliberation_on=decided)
        penalties.append((codes[k], records.add_record(officer, codes[k], data).id, decided))
        made["records"] += 1
    for k in range(seed["seal_ups"]):
        decided = day(k, seed["seal_ups"])
        records.add_record(officer, codes[400 + k], {
            "category": "coercive_measure", "document_no": f"津东消强字〔{year}〕{k + 1:04d}号",
            "decided_on": decided, "measure_type": "seal_up", "started_on": decided,
            "facts": "存在严重威胁公共安全的火灾隐患",
            "legal_basis": "《中华人民共和国消防法》第五十四条",
            "deliberation_ref": f"东消集议〔{year}〕强{k + 1:04d}号", "deliberation_on": decided})
        made["records"] += 1
    for k, (code, record_id, decided) in enumerate(penalties[:SEED_LISTED]):
        listing = listings.propose_listing(officer, code, "general", "逾期未改正消防违法行为",
                                           [record_id], f"津东消信列字〔{year}〕{k + 1:04d}号",
                                           decided)
        listings.approve_listing(sup, listing.id)
        made["listings"] += 1
    return made
