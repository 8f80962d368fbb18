"""The kinds of enforcement record, each declared once: its fields, their types and labels,
when each is required, the import and export column, whether an objection may correct it,
and the 双公示 column it feeds.

Everything that shows, takes or sends a record is built from these declarations: the staff
form and its page, the API's input and output schemas, the entry rules
(``services/casework/record_rules.py``), the import template and reader, the exports, the
correction of a record and the publisher's field sets. A new field is declared here once, plus
its column on ``EnforcementRecord`` and its migration. Pure: no Flask, no database.

Labels are message ids (Chinese; English from the catalog). Import columns and published
column names stay Chinese: they are the template's and the national standard's words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import cached_property, wraps
from typing import Any, TypeVar

from app.i18n import N_
from app.workflows.vocabulary import (
    CATEGORIES,
    ID_TYPES,
    LICENCE_ITEMS,
    LICENCE_TYPES,
    MEASURE_TYPES,
    PENALTY_TYPES,
    TIERS,
    Vocabulary,
)

# Field types: how a value is entered, checked, stored and written out.
TEXT, LONG_TEXT, DATE, COUNT, MONEY, FLAG, CHOICE, CHOICES = (
    "text", "long_text", "date", "count", "money", "flag", "choice", "choices")
# Where a field is offered: the staff form, the API, the import template, the exports.
FORM, API, IMPORT, EXPORT = "form", "api", "import", "export"
EVERYWHERE = frozenset({FORM, API, IMPORT, EXPORT})
# Where a field's value is kept: a column of the record, or the record's first fine payment
# (a register brought in from a spreadsheet says what was paid; by hand a payment is its own
# use case, ``records.record_payment``).
RECORD, PAYMENT = "record", "payment"
# Shared fieldsets of the form (several kinds have them); "" is the kind's own fieldset.
HEAD, NARRATIVE, DELIBERATION, PERSON = "head", "narrative", "deliberation", "person"


@dataclass(frozen=True)
class RequiredWhen:
    """Required when another field holds one of ``values`` (a list field: contains one)."""

    field: str
    values: frozenset[str]
    message: str


@dataclass(frozen=True)
class Field:
    """One field of a kind of record."""

    name: str  # the column of EnforcementRecord (or of the payment) and the API's name
    type: str
    label: str  # the form's and the pages' label (a message id)
    column: str = ""  # the import and export column; the label when empty
    size: int = 0  # text: the longest value accepted
    words: Vocabulary | None = None  # choice(s): the vocabulary (import: its official names)
    required: str = ""  # the message when the field is always required; empty: optional
    required_when: RequiredWhen | None = None
    invalid: str = ""  # choice(s): the message for a value outside the vocabulary
    example: Any = None  # the import template's example row
    group: str = ""  # the form's fieldset
    correctable: bool = False  # an objection's answer may correct it (更正)
    short: str = ""  # its name in a published correction's 备注 ("更正：罚款金额"); the label
    published: str = ""  # the 双公示 column it feeds as it is
    publish_as: str = "text"  # how: text, masked, wan, date, count (publishers/fields.py)
    masked: bool = False  # a personal number: shown and published masked, kept in full
    help: str = ""  # the API description
    overview: int = 0  # its place among the columns of the exports' overview of all kinds
    channels: frozenset[str] = EVERYWHERE
    stored: str = RECORD

    @property
    def header(self) -> str:
        """The import and export column name."""
        return self.column or self.label

    @property
    def required_always(self) -> bool:
        return bool(self.required)

    def named(self) -> str:
        """Its name in a published correction's 备注."""
        return self.short or self.label


@dataclass(frozen=True)
class Kind:
    """A category of enforcement record: its fields (in the import template's column order)
    and the 双公示 columns it publishes, in the standard's order (columns computed by the
    publisher and columns fed by a field; a field's column not listed comes last)."""

    category: str
    fields: tuple[Field, ...]
    published: tuple[str, ...] = ()
    _by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update((f.name, f) for f in self.fields)

    @property
    def label(self) -> str:
        return CATEGORIES.zh(self.category)

    def field(self, name: str) -> Field:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    def offered(self, channel: str) -> tuple[Field, ...]:
        """The fields offered through one channel (form, api, import, export)."""
        return tuple(f for f in self.fields if channel in f.channels)

    @cached_property
    def names(self) -> tuple[str, ...]:
        """Every field's name, in order."""
        return tuple(f.name for f in self.fields)

    @cached_property
    def columns(self) -> tuple[str, ...]:
        """The fields kept as columns of the record."""
        return tuple(f.name for f in self.fields if f.stored == RECORD)

    @cached_property
    def correctable(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.correctable)

    @cached_property
    def published_columns(self) -> tuple[str, ...]:
        """The kind's 双公示 columns in order (without the subject's and the source's)."""
        fed = [f.published for f in self.fields if f.published and f.published not in
               self.published]
        return (*self.published, *fed)

    def with_field(self, extra: Field, after: str | None = None) -> Kind:
        """This kind with one more field (at the end, or after ``after``)."""
        fields = list(self.fields)
        at = fields.index(self.field(after)) + 1 if after else len(fields)
        fields.insert(at, extra)
        return replace(self, fields=tuple(fields), _by_name={})


def _common(document: tuple[str, str, str], date: tuple[str, Any, str],
            facts: tuple[str, Any, str], basis: tuple[str, Any, str],
            narrative_required: str = "") -> dict[str, Field]:
    """The fields every kind has, each given as (import column, example, 双公示 column): the
    document number, the decision date, what was found or decided, and its legal basis."""
    return {
        "document_no": Field("document_no", TEXT, N_("文书编号"), document[0], 100,
                             required=N_("文书编号不能为空。"), example=document[1],
                             group=HEAD, correctable=True, short="文书号",
                             published=document[2]),
        "decided_on": Field("decided_on", DATE, N_("决定日期"), date[0],
                            required=N_("请填写决定日期。"), example=date[1], group=HEAD,
                            correctable=True, short="决定日期", published=date[2]),
        "facts": Field("facts", LONG_TEXT, N_("违法事实 / 检查情况"), facts[0], 5000,
                       required=narrative_required, example=facts[1], group=NARRATIVE,
                       correctable=True, short="违法事实或检查情况", published=facts[2],
                       publish_as="masked"),
        "legal_basis": Field("legal_basis", LONG_TEXT, N_("依据"), basis[0], 2000,
                             required=narrative_required, example=basis[1],
                             group=NARRATIVE, correctable=True, short="依据",
                             published=basis[2], publish_as="masked"),
    }


DELIBERATION_FIELDS = (
    Field("deliberation_ref", TEXT, N_("集体讨论记录编号"), size=100, group=DELIBERATION,
          help="the collective deliberation (集体讨论) of a decision that needs one: fines from "
               "DELIBERATION_FINE_THRESHOLD, the 三停, 临时查封, 强制执行", overview=9),
    Field("deliberation_on", DATE, N_("集体讨论日期"), group=DELIBERATION),
)
PERSON_FIELDS = (
    Field("person_name", TEXT, N_("自然人姓名"), size=100, group=PERSON,
          help="a natural person as 行政相对人 (fined, detained, licensed): the name; "
               "empty: the unit itself"),
    Field("person_id_type", CHOICE, N_("证件类型"), words=ID_TYPES, group=PERSON),
    Field("person_id_number", TEXT, N_("证件号码（公示时遮蔽）"), "证件号码", 40, group=PERSON,
          masked=True, help="kept in full, published and shown masked"),
)
_IMPORTED = frozenset({IMPORT, EXPORT})
_TIER_ONE_OF = N_("公示等级须为 %(choices)s 之一。")
_MEASURE_ONE_OF = N_("强制措施种类须为 %(choices)s 之一（责令停止施工、停止使用、"
                     "停产停业是行政处罚，请登记为行政处罚）。")

_penalty = _common(("行政处罚决定书文号", "津东消行罚决字〔2023〕0001号", "行政处罚决定书文号"),
                   ("处罚决定日期", dt.date(2023, 3, 10), "处罚决定日期"),
                   ("违法事实", "消防设施、器材未保持完好有效", "违法事实"),
                   ("处罚依据", "《中华人民共和国消防法》第六十条第一款第一项", "处罚依据"),
                   narrative_required=N_("行政处罚须填写违法事实和处罚依据。"))
PENALTY = Kind("penalty", (
    _penalty["document_no"], _penalty["decided_on"],
    Field("tier", CHOICE, N_("公示等级"), words=TIERS, required=_TIER_ONE_OF,
          invalid=_TIER_ONE_OF, example="一般"),
    Field("penalty_types", CHOICES, N_("处罚种类"), words=PENALTY_TYPES,
          required=N_("处罚种类须从 %(choices)s 中选择。"),
          invalid=N_("处罚种类须从 %(choices)s 中选择。"), example="罚款", correctable=True,
          overview=1),
    Field("fine_amount", MONEY, N_("罚款金额（元）"), correctable=True, short="罚款金额",
          published="罚款金额（万元）", publish_as="wan", example="10000.00",
          required_when=RequiredWhen("penalty_types", frozenset({"fine"}),
                                     N_("处罚种类含罚款时须填写罚款金额（大于零）。")), overview=2),
    _penalty["facts"], _penalty["legal_basis"], *DELIBERATION_FIELDS,
    Field("violation_type", TEXT, N_("违法行为类型"), size=200, correctable=True,
          short="违法行为类型", published="违法行为类型", publish_as="masked",
          example="消防设施、器材未保持完好有效",
          help="违法行为类型: the violation's name (empty: published from the facts' first "
               "sentence)"),
    Field("confiscation_amount", MONEY, N_("没收违法所得、非法财物金额（元）"), "没收金额（元）",
          correctable=True, short="没收金额", published="没收违法所得、没收非法财物的金额（万元）",
          publish_as="wan", help="yuan; required with confiscation",
          required_when=RequiredWhen("penalty_types", frozenset({"confiscation"}),
                                     N_("处罚种类含没收时须填写没收金额（大于零）。"))),
    Field("licence_affected", TEXT, N_("暂扣或吊销证照名称及编号"), size=500, correctable=True,
          short="暂扣或吊销证照", published="暂扣或吊销证照名称及编号", publish_as="masked",
          help="the licence suspended or revoked, its name and number",
          required_when=RequiredWhen(
              "penalty_types", frozenset({"licence_suspension", "licence_revocation"}),
              N_("暂扣或吊销许可证件时须填写证照名称及编号。"))),
    Field("effective_until", DATE, N_("处罚有效期至（默认决定日期）"), "处罚有效期",
          correctable=True, short="处罚有效期",
          help="处罚有效期: until when it is in effect (empty: the decision date)"),
    *PERSON_FIELDS,
    Field("paid_amount", MONEY, N_("已缴罚款金额（元）"), channels=_IMPORTED, stored=PAYMENT,
          help="what was paid of the fine (a register's payment, kept as a fine payment)"),
    Field("paid_on", DATE, N_("缴款日期"), channels=_IMPORTED, stored=PAYMENT),
    Field("receipt_no", TEXT, N_("缴款票据号"), size=100, channels=frozenset({IMPORT}),
          stored=PAYMENT),
), published=(
    "行政处罚决定书文号", "违法行为类型", "违法事实", "处罚依据", "处罚类别", "处罚内容",
    "罚款金额（万元）", "没收违法所得、没收非法财物的金额（万元）", "暂扣或吊销证照名称及编号",
    "处罚决定日期", "处罚有效期", "公示截止期", "处罚机关", "处罚机关统一社会信用代码",
))

_inspection = _common(("检查文书号", "津东消监检字〔2023〕第00001号", "检查文书号"),
                      ("检查日期", dt.date(2023, 3, 1), "检查日期"),
                      ("检查情况", "消防监督检查", "检查结果"), ("检查依据", None, "检查依据"))
INSPECTION = Kind("inspection", (
    _inspection["document_no"], _inspection["decided_on"], _inspection["facts"],
    Field("hazards_found", COUNT, N_("发现隐患数"), example=2, correctable=True,
          short="发现隐患数", published="发现隐患数", publish_as="count", overview=3),
    Field("hazards_rectified", COUNT, N_("当场整改数"), "已整改隐患数", example=1,
          correctable=True, short="已整改隐患数", published="已整改隐患数", publish_as="count",
          overview=4),
    Field("correction_notice_no", TEXT, N_("责令改正通知书文号"), size=100,
          example="津东消改字〔2023〕第00001号",
          help="inspection: the 《责令改正通知书》 issued (with its date)", overview=5),
    Field("correction_notice_on", DATE, N_("责令改正通知书日期"), example=dt.date(2023, 3, 1)),
    Field("major_hazard", FLAG, N_("发现重大火灾隐患"), "重大火灾隐患", example="否",
          help="inspection: a 重大火灾隐患 was found", overview=6),
    Field("major_hazard_listed_on", DATE, N_("挂牌督办日期"), help="挂牌督办"),
    Field("major_hazard_closed_on", DATE, N_("整改销案日期"), help="销案", overview=7),
    _inspection["legal_basis"],
), published=(
    "检查文书号", "检查类别", "检查日期", "检查结果", "检查依据", "发现隐患数",
    "已整改隐患数", "检查机关", "检查机关统一社会信用代码",
))

_coercive = _common(("文书号", "津东消强字〔2023〕0001号", "行政强制决定书文号"),
                    ("决定日期", dt.date(2023, 4, 1), "决定日期"),
                    ("事实", "存在严重威胁公共安全的火灾隐患", "违法事实"),
                    ("依据", "《中华人民共和国消防法》第五十四条", "实施依据"))
COERCIVE_MEASURE = Kind("coercive_measure", (
    _coercive["document_no"], _coercive["decided_on"],
    Field("measure_type", CHOICE, N_("强制措施种类"), words=MEASURE_TYPES, example="临时查封",
          required=_MEASURE_ONE_OF, invalid=_MEASURE_ONE_OF, correctable=True, short="强制措施种类",
          published="强制措施种类", publish_as="zh", overview=8),
    Field("started_on", DATE, N_("措施开始日期"), required=N_("请填写措施开始日期。"),
          example=dt.date(2023, 4, 1), correctable=True, published="措施开始日期",
          publish_as="date"),
    Field("lifted_on", DATE, N_("措施解除日期"), correctable=True, published="措施解除日期",
          publish_as="date"),
    _coercive["facts"], _coercive["legal_basis"],
    replace(DELIBERATION_FIELDS[0], example="东消集议〔2023〕强0001号"),
    replace(DELIBERATION_FIELDS[1], example=dt.date(2023, 3, 31)),
), published=(
    "行政强制决定书文号", "强制措施种类", "违法事实", "实施依据", "决定日期", "措施开始日期",
    "措施解除日期", "实施机关", "实施机关统一社会信用代码",
))

_licensing = _common(("许可决定书文号", "津东消许字〔2023〕0001号", "行政许可决定文书号"),
                     ("许可决定日期", dt.date(2023, 5, 1), "许可决定日期"),
                     ("许可内容", "公众聚集场所投入使用、营业前消防安全检查合格", "许可内容"),
                     ("许可依据", None, ""))
LICENSING = Kind("licensing", (
    _licensing["document_no"], _licensing["decided_on"],
    Field("licence_type", CHOICE, N_("许可类别"), words=LICENCE_TYPES, example="核准",
          required=N_("许可类别须为 %(choices)s 之一。"),
          invalid=N_("许可类别须为 %(choices)s 之一。")),
    Field("licence_no", TEXT, N_("许可编号"), size=100, required=N_("请填写许可编号。"),
          example="DLXF2023-0001", correctable=True, published="许可编号"),
    Field("valid_from", DATE, N_("有效期自"), required=N_("请填写有效期起始日期。"),
          example=dt.date(2023, 5, 1), correctable=True, published="有效期自", publish_as="date"),
    Field("valid_to", DATE, N_("有效期至（长期有效的不填）"), "有效期至",
          example=dt.date(2026, 4, 30), correctable=True, published="有效期至", publish_as="date",
          help="empty: valid without end (长期), published as LONG_TERM_UNTIL"),
    Field("certificate_name", TEXT, N_("许可证书名称"), size=200, correctable=True,
          published="许可证书名称", help="许可证书名称"),
    _licensing["facts"], _licensing["legal_basis"],
    Field("licence_item", CHOICE, N_("许可事项"), words=LICENCE_ITEMS,
          example="公众聚集场所投入使用、营业前消防安全检查",
          invalid=N_("许可事项须为 %(choices)s 之一。"),
          help="许可事项 (empty: the 公众聚集场所投入使用、营业前消防安全检查); it names the "
               "published 行政许可决定文书名称"),
    *PERSON_FIELDS,
), published=(
    "行政许可决定文书名称", "行政许可决定文书号", "许可类别", "许可证书名称", "许可编号",
    "许可内容", "许可决定日期", "有效期自", "有效期至", "许可机关", "许可机关统一社会信用代码",
    "当前状态",
))

class _Kinds(dict[str, Kind]):
    """The kinds by category; ``version`` grows with every change (a test that puts a changed
    kind here), so what is derived from them is known to be current with one comparison."""

    version = 0

    def __setitem__(self, key: str, value: Kind) -> None:
        super().__setitem__(key, value)
        self.version += 1

    def __delitem__(self, key: str) -> None:
        super().__delitem__(key)
        self.version += 1


# Every kind, by category, in the vocabulary's order. A test may put a changed kind here.
KINDS: _Kinds = _Kinds({k.category: k for k in (INSPECTION, PENALTY, COERCIVE_MEASURE,
                                                LICENSING)})
# The order of the form's shared fieldsets, after the kinds' own.
GROUPS = (DELIBERATION, PERSON)


_T = TypeVar("_T")


def derived(fn: Callable[..., _T]) -> Callable[..., _T]:
    """Computed once per set of declarations: built again when KINDS holds other kinds (a
    test that declares a field), else served from memory (the import asks per row)."""
    memo: dict[Any, tuple[int, _T]] = {}

    @wraps(fn)
    def wrapper(*args: Any) -> _T:
        seen = memo.get(args)
        if seen is None or seen[0] != KINDS.version:
            seen = memo[args] = (KINDS.version, fn(*args))
        return seen[1]

    return wrapper


def kind(category: str) -> Kind:
    """The declaration of ``category`` (KeyError for an unknown one)."""
    return KINDS[category]


def all_fields(channel: str | None = None) -> Iterator[Field]:
    """Every field of every kind once (a field several kinds have: the first declaration),
    in the kinds' order; ``channel``: only those offered through it."""
    return iter(_all_fields(channel))


@derived
def _all_fields(channel: str | None) -> tuple[Field, ...]:
    seen: dict[str, Field] = {}
    for each in KINDS.values():
        for f in each.fields:
            if f.name not in seen and (channel is None or channel in f.channels):
                seen[f.name] = f
    return tuple(seen.values())


def kinds_with(name: str) -> tuple[str, ...]:
    """The categories whose records have the field ``name``."""
    return tuple(c for c, k in KINDS.items() if k.has(name))


@derived
def required_in(name: str) -> tuple[str, ...]:
    """The categories whose records always require the field ``name``."""
    return tuple(c for c, k in KINDS.items() if k.has(name) and k.field(name).required_always)


@derived
def correctable_fields() -> tuple[str, ...]:
    """Every field some kind lets an objection's answer correct (sorted)."""
    return tuple(sorted({f.name for k in KINDS.values() for f in k.fields if f.correctable}))


@derived
def stored_columns() -> tuple[str, ...]:
    """Every record column a kind declares (the union, in order)."""
    return tuple(f.name for f in all_fields() if f.stored == RECORD)


@derived
def overview() -> tuple[Field, ...]:
    """The fields of the exports' overview of every kind, in their place."""
    return tuple(sorted((f for f in all_fields(EXPORT) if f.overview), key=lambda f: f.overview))


def form_layout() -> list[tuple[str, tuple[str, ...], tuple[Field, ...]]]:
    """The record form's fieldsets: (group or category, the categories it shows for, its
    fields): the head, each kind's own, the shared groups, the narrative."""
    fields = [f for f in all_fields(FORM)]
    every = tuple(KINDS)
    out: list[tuple[str, tuple[str, ...], tuple[Field, ...]]] = [
        (HEAD, every, tuple(f for f in fields if f.group == HEAD))]
    for category, each in KINDS.items():
        own = tuple(f for f in each.offered(FORM) if not f.group)
        if own:
            out.append((category, (category,), own))
    for group in GROUPS:
        members = tuple(f for f in fields if f.group == group)
        if members:
            out.append((group, tuple(c for c in every if KINDS[c].has(members[0].name)),
                        members))
    out.append((NARRATIVE, every, tuple(f for f in fields if f.group == NARRATIVE)))
    return out


def markdown() -> str:
    """The declarations as docs/records.md shows them: a table per kind."""
    out = []
    for category, each in KINDS.items():
        out += [f"### `{category}` ({each.label})", "",
                "| field | type | required | import / export column | 双公示 column | corrected |",
                "|---|---|---|---|---|---|"]
        for f in each.fields:
            required = ("always" if f.required else f"with `{f.required_when.field}` "
                        + " or ".join(f"`{v}`" for v in sorted(f.required_when.values))
                        if f.required_when else "")
            where = f.header if IMPORT in f.channels else "(not imported)"
            kind_of = f"{f.type}: {', '.join(f.words.offered)}" if f.words else f.type
            out.append(f"| `{f.name}` {f.label} | {kind_of} | {required} | {where} | "
                       f"{f.published or ''} | {'yes' if f.correctable else ''} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
