"""The service's words, each defined once: database and API values, their official Chinese
names (shown on pages and published) and, where the national 双公示 standard has one, its code.

Models (check constraints), forms, API schemas, publishers and the translations take them from
here, so that a label can never differ from what is published. Pure: no Flask, no database.
English names come from the translation catalog (the Chinese name is the message id).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from app.i18n import N_


@dataclass(frozen=True)
class Term:
    """One word: its value, its official Chinese name, its national code (if any), and
    whether it is offered for new entries (False: kept only for rows that already use it)."""

    value: str
    zh: str
    code: str | None = None
    offered: bool = True


class Vocabulary:
    """An ordered set of terms; iterating gives the values."""

    def __init__(self, *terms: Term) -> None:
        self.terms = terms
        self._by_value = {t.value: t for t in terms}

    def __iter__(self) -> Iterator[str]:
        return (t.value for t in self.terms)

    def __contains__(self, value: object) -> bool:
        return value in self._by_value

    def __len__(self) -> int:
        return len(self.terms)

    @property
    def values(self) -> tuple[str, ...]:
        """Every value, in order (for check constraints and validation of stored rows)."""
        return tuple(t.value for t in self.terms)

    @property
    def offered(self) -> tuple[str, ...]:
        """The values offered for new entries (forms, API input)."""
        return tuple(t.value for t in self.terms if t.offered)

    def zh(self, value: str) -> str:
        """The official Chinese name of ``value`` (the value itself when unknown)."""
        term = self._by_value.get(value)
        return term.zh if term else value

    def code(self, value: str) -> str:
        """The 双公示 code of ``value`` (empty when it has none)."""
        term = self._by_value.get(value)
        return term.code or "" if term else ""

    def by_code(self, code: str) -> str:
        """The first value whose 双公示 code is ``code`` (the code itself when none has it)."""
        return next((t.value for t in self.terms if t.code == code), code)

    def sql_in(self, column: str) -> str:
        """``column IN ('a','b',…)``: the check constraint of a column holding these values."""
        return f"{column} IN (" + ",".join(f"'{v}'" for v in self.values) + ")"


CATEGORIES = Vocabulary(
    Term("inspection", N_("监督检查")),
    Term("penalty", N_("行政处罚")),
    Term("coercive_measure", N_("行政强制")),
    Term("licensing", N_("行政许可")),
)

# What is published: the four categories of record, and the dishonesty list (失信名单), whose
# listings are items of their own (a listing stays on the platform whatever happens to the
# records it rests on). Batches, runs and deadlines go by these.
LISTING = "listing"
DISCLOSURE_CATEGORIES = Vocabulary(*CATEGORIES.terms, Term(LISTING, N_("失信名单")))

# The dishonesty level of a listing and the publicity tier of a penalty (Order No. 36).
TIERS = Vocabulary(
    Term("minor", N_("轻微")), Term("general", N_("一般")), Term("serious", N_("严重"))
)

# 处罚类别 of the 双公示 standard (1-9), with the kinds of 行政处罚法 (2021) 第9条 and the 三停 of
# 消防法 第58、60、61、70条 (责令停止施工、停止使用、停产停业: penalties, code 4).
PENALTY_TYPES = Vocabulary(
    Term("warning", N_("警告"), "1"),
    Term("public_criticism", N_("通报批评"), "9"),
    Term("fine", N_("罚款"), "2"),
    Term("confiscation", N_("没收违法所得、没收非法财物"), "3"),
    Term("stop_construction", N_("责令停止施工"), "4"),
    Term("stop_use", N_("责令停止使用"), "4"),
    Term("suspension", N_("责令停产停业"), "4"),
    Term("licence_suspension", N_("暂扣许可证件"), "5"),
    Term("licence_revocation", N_("吊销许可证件"), "5"),
    Term("qualification_downgrade", N_("降低资质等级"), "9"),
    Term("business_restriction", N_("限制开展生产经营活动"), "9"),
    Term("closure", N_("责令关闭"), "9"),
    Term("employment_restriction", N_("限制从业"), "9"),
    # Only public security decides a detention (消防法 第62、70条: 由公安机关依照治安管理处罚法
    # 处罚; 行政处罚法 第18条第3款): never a fire-rescue decision, so not offered for new entries.
    Term("detention", N_("行政拘留"), "6", offered=False),
    Term("other", N_("其他"), "9"),
    # Records entered as the coercive measure "stop_order" before the 三停 were penalties here.
    Term("stop_order", N_("责令停止施工、停止使用或者停产停业"), "4", offered=False),
)

# 处罚类别 by its code, as a reader is told it (the public page): the standard's classes
# (DOMAIN.md, 双公示 codes), of which PENALTY_TYPES' codes are one each.
PENALTY_CLASSES = Vocabulary(
    Term("1", N_("警告")), Term("2", N_("罚款")), Term("3", N_("没收违法所得、没收非法财物")),
    Term("4", N_("责令停产停业")), Term("5", N_("暂扣或者吊销许可证、执照")),
    Term("6", N_("行政拘留")), Term("9", N_("其他")),
)

# The "三停" (消防法 第58、60、61、70条): what the annual report counts as 责令"三停".
STOP_ORDERS = frozenset({"stop_construction", "stop_use", "suspension", "stop_order"})

# What a minor (轻微) penalty may be: the simplified procedure's warning or small fine
# (行政处罚法 2021 第51条; the amounts are MINOR_FINE_LIMITS), and 通报批评, which NDRC Order
# No. 36 counts among minor ones. Never the 三停, a revocation, a closure or a detention.
MINOR_PENALTY_TYPES = frozenset({"warning", "public_criticism", "fine"})

# Coercive measures: 临时查封 (消防法 第54条), 强制执行, and the others of 行政强制法 第9条.
MEASURE_TYPES = Vocabulary(
    Term("seal_up", N_("临时查封")),
    Term("enforcement", N_("强制执行")),
    Term("other", N_("其他")),
    Term("stop_order", N_("责令停止施工、停止使用、停产停业"), offered=False),  # now penalties
)

# Decisions the law reserves for collective deliberation (行政处罚法 2021 第57条第2款: 情节复杂
# 或者重大违法行为; the detachment's practice in the seed report: fines of CNY 30,000 or more, the
# 三停, 临时查封 and 强制执行). The fine threshold is DELIBERATION_FINE_THRESHOLD.
DELIBERATED_PENALTIES = STOP_ORDERS
DELIBERATED_MEASURES = frozenset({"seal_up", "enforcement"})

# 许可类别: 普通 1, 特许 2, 认可 3, 核准 4, 登记 5, 其他 9.
LICENCE_TYPES = Vocabulary(
    Term("ordinary", N_("普通"), "1"),
    Term("franchise", N_("特许"), "2"),
    Term("recognition", N_("认可"), "3"),
    Term("verification", N_("核准"), "4"),
    Term("registration", N_("登记"), "5"),
    Term("other", N_("其他"), "9"),
)

# 许可事项: what a fire-rescue authority still licenses, with the 行政许可决定文书名称 each is
# published under. Since the 2019 reform (厅字〔2019〕34号) and 消防法 (2021年4月29日修正)
# 第15条 the fire-rescue licence is the 公众聚集场所投入使用、营业前消防安全检查, decided by a
# 《公众聚集场所投入使用、营业前消防安全检查意见书》; before that amendment its decision was the
# 合格证. Design review and acceptance of construction went to housing departments in 2019;
# the technical-service qualification licence ended with the 2021 amendment ("other").
LICENCE_ITEMS = Vocabulary(
    Term("public_gathering", N_("公众聚集场所投入使用、营业前消防安全检查")),
    Term("other", N_("其他许可事项")),
)
LICENCE_DOCUMENTS = {"public_gathering": "公众聚集场所投入使用、营业前消防安全检查意见书"}
LICENCE_DOCUMENTS_BEFORE = ("2021-04-29", {
    "public_gathering": "公众聚集场所投入使用、营业前消防安全检查合格证"})
LICENCE_DOCUMENT_OTHER = "行政许可决定书"  # "other": its 许可证书名称 when given, else this

# 有效期至 of a licence valid without end (长期): the date the 双公示 templates ask for then.
LONG_TERM_UNTIL = "2099-12-31"

# The unit's credit status (the credit machine's states, app/workflows/credit.py).
CREDIT_STATUSES = Vocabulary(
    Term("normal", N_("正常")),
    Term("listed", N_("列入失信名单")),
    Term("restoration_requested", N_("申请信用修复中")),
    Term("restored", N_("已信用修复")),
)

# A penalty's own publicity (the states of app/workflows/publicity.py).
PUBLICITY_STATUSES = Vocabulary(
    Term("awaiting", N_("待公示")),
    Term("public", N_("公示中")),
    Term("restoration_requested", N_("申请终止公示中")),
    Term("ended_early", N_("已信用修复，终止公示")),
    Term("expired", N_("公示期满")),
    Term("withdrawn", N_("已撤回公示")),
)

# 证件类型 of a natural person (the legal representative's ID).
ID_TYPES = Vocabulary(
    Term("resident_id", N_("居民身份证")),
    Term("passport", N_("护照")),
    Term("hk_macao_permit", N_("港澳居民来往内地通行证")),
    Term("taiwan_permit", N_("台湾居民来往大陆通行证")),
    Term("foreign_permanent", N_("外国人永久居留身份证")),
    Term("other", N_("其他")),
)

# Why a listing is revoked (行政处罚法 第48条; 行政复议法; 行政诉讼法): the decision it rests on
# was revoked, or found unlawful on reconsideration or in litigation.
REVOCATION_GROUNDS = Vocabulary(
    Term("basis_revoked", N_("列入依据的决定已撤销")),
    Term("reconsideration", N_("行政复议撤销")),
    Term("litigation", N_("行政诉讼撤销")),
)

# What a revocation proposal reverses, and its states (app/workflows/reversal.py).
REVERSAL_KINDS = Vocabulary(
    Term("listing", N_("撤销列入失信名单")), Term("record", N_("撤销执法决定"))
)
REVERSAL_STATUSES = Vocabulary(
    Term("proposed", N_("待审核")),
    Term("approved", N_("已撤销")),
    Term("rejected", N_("不予撤销")),
    Term("superseded", N_("已失效")),
)

# Objections (异议申诉): what a unit contests, how the objection came in, and its states
# (app/workflows/objection.py). 《天津市消防安全领域信用管理暂行办法》 (2020), the chapter on
# objections; the provider marks the item "异议处理中" while it checks.
OBJECTION_TARGETS = Vocabulary(Term("record", N_("执法记录")), Term("listing", N_("失信名单")))
OBJECTION_CHANNELS = Vocabulary(
    Term("self_service", N_("自助服务")),
    Term("public", N_("公示页面")),
    Term("staff", N_("窗口或电话代录")),
)
OBJECTION_STATUSES = Vocabulary(
    Term("filed", N_("已受理")),
    Term("under_review", N_("核查中")),
    Term("upheld", N_("维持原信息")),
    Term("corrected", N_("已更正")),
    Term("revoked", N_("已撤销")),
    Term("withdrawn", N_("已撤回")),
)
OPEN_OBJECTIONS = ("filed", "under_review")
UNDER_OBJECTION = N_("异议处理中")  # the public mark, on the page and in the 备注 published

# A listing's states (app/services/credit/listings.py); the decided ones count as listed in the
# figures and the exports (a proposal not yet decided, or rejected, was never a listing).
LISTING_STATUSES = Vocabulary(
    Term("proposed", N_("待审核")), Term("rejected", N_("不予列入")), Term("active", N_("生效")),
    Term("restored", N_("已修复")), Term("expired", N_("期满移出")), Term("revoked", N_("已撤销")),
)
DECIDED_LISTINGS = ("active", "restored", "expired", "revoked")

# An enforcement record stands or was revoked.
RECORD_STATUSES = Vocabulary(Term("active", N_("有效")), Term("revoked", N_("已撤销")))

# A restoration application's states (app/workflows/application.py): awaiting a decision,
# decided, withdrawn by the unit, or closed because its listing or record ended another way.
REQUEST_STATUSES = Vocabulary(
    Term("submitted", N_("审核中")), Term("approved", N_("已准予修复")),
    Term("rejected", N_("不予修复")), Term("withdrawn", N_("已撤回")), Term("closed", N_("已终止")),
)
OPEN_REQUEST = "submitted"

# What a disclosure item does on the platform, an item's and a batch's states
# (app/workflows/batch.py), and how one delivery attempt of a batch ended.
DISCLOSURE_OPS = Vocabulary(Term("add", N_("新增")), Term("update", N_("更新")),
                            Term("withdraw", N_("撤下")))
ITEM_STATUSES = Vocabulary(
    Term("pending", N_("待推送")), Term("claimed", N_("已入批次")), Term("delivered", N_("已推送")),
    # The platform answered the batch but refused this item (its reason kept on the item).
    Term("rejected", N_("平台拒收")),
    # Left out of a retry or re-send: a newer item of the same record had reached the platform.
    Term("superseded", N_("已被更新的条目取代")),
)
BATCH_STATUSES = Vocabulary(
    Term("pending", N_("待推送")), Term("retrying", N_("等待重试")),
    Term("delivered", N_("已推送")), Term("failed", N_("推送失败")),
    # Every item was overtaken by a newer one already delivered: nothing left to send.
    Term("superseded", N_("已被取代")),
)
ATTEMPT_OUTCOMES = Vocabulary(
    Term("delivered", N_("已推送")), Term("retrying", N_("失败，将重试")),
    Term("failed", N_("失败，已停止")),
    Term("superseded", N_("未发送：条目均已被更新的条目取代")),
)
ATTEMPT_INTERRUPTED = N_("中断（由后续尝试接续）")  # an attempt without an outcome

# A "run now" request's states, a reminder mail's, and the kinds of a calendar day.
RUN_STATUSES = Vocabulary(
    Term("waiting", N_("等待调度程序")), Term("running", N_("执行中")), Term("done", N_("已完成")),
    Term("failed", N_("执行出错")),
)
NOTIFICATION_KINDS = Vocabulary(
    Term("eligible", N_("可申请信用修复提醒")), Term("decision", N_("信用修复结果通知")),
    Term("due_soon", N_("办理期限提醒")), Term("objection_decided", N_("异议答复通知")),
    Term("objection_due", N_("异议答复期限提醒")),
)
NOTIFICATION_STATUSES = Vocabulary(
    Term("pending", N_("待发送")), Term("sent", N_("已发送")), Term("failed", N_("发送失败")),
    Term("cancelled", N_("已取消")),
)
DAY_KINDS = Vocabulary(Term("holiday", N_("放假")), Term("workday", N_("调休上班")))

ROLES = Vocabulary(
    Term("officer", N_("执法人员")), Term("supervisor", N_("审核人")), Term("admin", N_("管理员"))
)

# Who acts in a unit's trail and in the policy (app/workflows/policy.py): a staff role, the unit
# itself (the self-service), the public (the public page) or the system (the scheduler, the
# console).
ACTORS = Vocabulary(
    *ROLES.terms, Term("unit", N_("单位本身")), Term("system", N_("系统")),
    Term("public", N_("公众（公示页面）")),
)
