"""Languages of the pages: Simplified Chinese first, English available (Flask-Babel).

Message ids are the Chinese texts; ``app/translations/en`` holds the English catalog. A test
checks that every marked text has an English translation and that the compiled catalog is
current.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session
from flask_babel import Babel, get_locale, gettext
from flask_babel import lazy_gettext as _l

from app.i18n import Msg
from app.workflows import vocabulary

babel = Babel()


def select_locale() -> str:
    """``?lang=`` switches and is remembered in the session; otherwise Chinese."""
    languages: list[str] = current_app.config["LANGUAGES"]
    asked = request.args.get("lang", "")
    if asked in languages:
        session["lang"] = asked
        return asked
    chosen = str(session.get("lang", ""))
    return chosen if chosen in languages else languages[0]


def lang() -> str:
    """``zh`` or ``en``: the language of this request."""
    locale = get_locale()
    return locale.language if locale is not None else "zh"


def tr(message: str) -> str:
    """A message of the service layer in the page's language (Chinese where none is known)."""
    if isinstance(message, Msg):
        return gettext(message.msgid, **message.params)
    return gettext(message) if message else message


def _names(words: vocabulary.Vocabulary) -> dict[str, Any]:
    """A vocabulary's official names, translated lazily (the Chinese name is the message id)."""
    return {t.value: _l(t.zh) for t in words.terms}


LABELS = {
    "status": _names(vocabulary.CREDIT_STATUSES),
    "category": _names(vocabulary.DISCLOSURE_CATEGORIES),
    "tier": _names(vocabulary.TIERS),
    "role": _names(vocabulary.ROLES),
    "actor_role": _names(vocabulary.ACTORS),
    "penalty_type": _names(vocabulary.PENALTY_TYPES),
    "measure_type": _names(vocabulary.MEASURE_TYPES),
    "licence_type": _names(vocabulary.LICENCE_TYPES),
    "publicity_status": _names(vocabulary.PUBLICITY_STATUSES),
    "id_type": _names(vocabulary.ID_TYPES),
    "listing_status": _names(vocabulary.LISTING_STATUSES),
    "request_status": _names(vocabulary.REQUEST_STATUSES),
    "record_status": _names(vocabulary.RECORD_STATUSES),
    "item_status": _names(vocabulary.ITEM_STATUSES),
    "batch_status": _names(vocabulary.BATCH_STATUSES),
    "attempt_outcome": {**_names(vocabulary.ATTEMPT_OUTCOMES),
                        "interrupted": _l(vocabulary.ATTEMPT_INTERRUPTED)},
    "figure": {
        "inspections": _l("检查单位（家次）"), "hazards_found": _l("发现隐患（处）"),
        "hazards_rectified": _l("督促整改火灾隐患（处）"),
        "correction_notices": _l("下发《责令改正通知书》（份）"),
        "penalties": _l("行政处罚（起）"), "seal_ups": _l("临时查封（家）"),
        "stop_orders": _l("责令“三停”（家）"), "fines_yuan": _l("罚款（元）"),
        "major_hazards_closed": _l("整改销案重大隐患（家）"),
        "listed": _l("列入失信名单（家）"), "restored_listings": _l("移出失信名单（信用修复，家）"),
        "restored_records": _l("行政处罚信息提前终止公示（条）"),
        "restorations_rejected": _l("不予信用修复（件）"),
        "median_days_to_decision": _l("申请到决定的天数（中位数）"),
        "disclosed": _l("已推送公示信息（条）"), "disclosed_on_time": _l("其中按期推送（条）"),
        "disclosed_late": _l("其中逾期推送（条）"), "withdrawals": _l("撤下已公示信息（条）"),
        "withdrawals_on_time": _l("其中按期撤下（条）"),
        "objections_received": _l("收到异议（件）"), "objections_decided": _l("答复异议（件）"),
        "objections_on_time": _l("其中按期答复（件）"),
        "objections_upheld": _l("其中维持原信息（件）"),
        "objections_corrected": _l("其中更正（件）"), "objections_revoked": _l("其中撤销（件）"),
        "objections_withdrawn": _l("撤回或终结（件）"),
    },
    "run_status": _names(vocabulary.RUN_STATUSES),
    "op": _names(vocabulary.DISCLOSURE_OPS),
    "trigger": {
        "list_as_dishonest": _l("审核列入失信名单"), "request_restoration": _l("申请信用修复"),
        "approve_restoration": _l("准予信用修复"), "reject_restoration": _l("不予信用修复"),
        "withdraw_restoration": _l("撤回修复申请"), "expire_listing": _l("期满移出名单"),
        "revoke_listing": _l("撤销列入"), "listing_proposed": _l("提出列入建议"),
        "revocation_proposed": _l("提出撤销建议"), "revocation_rejected": _l("不予撤销"),
        "reminder_address_changed": _l("单位更改提醒邮箱"),
        "listing_rejected": _l("不予列入"), "unit_registered": _l("登记单位"),
        "record_added": _l("登记执法记录"), "record_revoked": _l("撤销执法记录"),
        "payment_recorded": _l("登记缴款"), "rectification_recorded": _l("登记整改"),
        "access_code_issued": _l("签发自助访问码"),
        "publish": _l("处罚信息已公示"),
        "request_record_restoration": _l("申请终止公示处罚信息"),
        "approve_record_restoration": _l("准予终止公示处罚信息"),
        "reject_record_restoration": _l("不予终止公示处罚信息"),
        "withdraw_record_restoration": _l("撤回终止公示申请"),
        "expire_record": _l("处罚信息公示期满"), "withdraw_record": _l("撤回处罚信息公示"),
        "objection_filed": _l("提出异议"), "review_objection": _l("开始核查异议"),
        "uphold_objection": _l("异议答复：维持原信息"),
        "correct_objection": _l("异议答复：更正"), "revoke_objection": _l("异议答复：撤销"),
        "withdraw_objection": _l("撤回异议"), "close_objection": _l("异议终结（信息已不再公示）"),
        "record_corrected": _l("更正执法记录"),
    },
    "step": {
        "minimum_period": _l("最短公示期届满"), "fines_paid": _l("罚款已缴清"),
        "hazards_rectified": _l("隐患已整改、强制措施已解除"),
        "reinspection_passed": _l("经复查合格"),
        "commitment_signed": _l("签署信用承诺书"), "no_open_request": _l("没有待审核的修复申请"),
    },
    "source": {
        "entered": _l("已录入国务院办公厅通知"), "package": _l("chinese-calendar 数据包"),
        "provisional": _l("临时推算（请录入正式安排）"),
    },
    "admin_action": {
        "trail_opened": _l("开始记录"), "account_created": _l("创建账户"),
        "role_changed": _l("更改角色"), "password_reset": _l("重置密码"),
        "password_changed": _l("本人修改密码"), "account_unlocked": _l("解除锁定"),
        "account_deactivated": _l("停用账户"), "account_reactivated": _l("恢复账户"),
        "token_created": _l("签发访问令牌"), "token_revoked": _l("吊销访问令牌"),
        "calendar_changed": _l("录入节假日安排"), "batch_retried": _l("重试推送批次"),
        "disclosure_run": _l("立即推送"), "batch_resent": _l("重新发送推送批次"),
        "reminder_retried": _l("重新发送提醒邮件"),
    },
    "notification_kind": _names(vocabulary.NOTIFICATION_KINDS),
    "notification_status": _names(vocabulary.NOTIFICATION_STATUSES),
    "day_kind": _names(vocabulary.DAY_KINDS),
    "ground": _names(vocabulary.REVOCATION_GROUNDS),
    "revocation_kind": _names(vocabulary.REVERSAL_KINDS),
    "revocation_status": _names(vocabulary.REVERSAL_STATUSES),
    "objection_status": _names(vocabulary.OBJECTION_STATUSES),
    "objection_target": _names(vocabulary.OBJECTION_TARGETS),
    "objection_channel": _names(vocabulary.OBJECTION_CHANNELS),
}


def label(kind: str, value: str | None) -> str:
    """The display name of a vocabulary value in the page's language (the value if unknown)."""
    if value is None:
        return ""
    return str(LABELS.get(kind, {}).get(value, value))
