"""A realistic demo district: Dongli's streets, a few hundred units, all four categories,
and listed units at every stage. Everything goes through the service layer, so the audit
trail and the disclosure outbox are filled exactly as in real use."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.models import User
from app.services.base.context import today
from app.services.casework import records
from app.services.casework.units import register_unit
from app.services.credit import listings, restoration
from app.services.staff.accounts import actor_of, create_user
from app.uscc import with_check_character

# Streets of Dongli District named in the seed report, and the district's others.
STREETS = ("金钟街道", "张贵庄街道", "新立街道", "丰年村街道", "万新街道", "无瑕街道",
           "华明街道", "东丽湖街道", "华新街道", "军粮城街道", "金桥街道")
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
    elif category == "coercive_measure":
        base.update(document_no=f"津东消强字〔{year}〕{n:04d}号",
                    measure_type=rng.choice(("seal_up", "seal_up", "enforcement")),
                    started_on=decided,
                    facts="存在严重威胁公共安全的火灾隐患",
                    legal_basis="《中华人民共和国消防法》第五十四条")
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
