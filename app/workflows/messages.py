"""Texts of unmet guards and errors, Simplified Chinese first, English available."""

from __future__ import annotations

from typing import Any

from app.workflows.guards import Unmet

MESSAGES: dict[str, dict[str, str]] = {
    "staff_worker_required": {
        "zh": "此操作须由执法人员或审核人完成。",
        "en": "An officer or a supervisor must do this.",
    },
    "objection_decider_involved": {
        "zh": "录入被异议记录（或提出列入建议）、代为提出异议的人员不能处理该异议，"
        "请由另一名工作人员处理。",
        "en": "Whoever entered the contested record (or proposed the listing), or filed the "
        "objection for the unit, cannot decide it; another member of staff must.",
    },
    "objection_withdrawer_involved": {
        "zh": "录入被异议记录（或提出列入建议）、代为提出异议的人员不能代单位撤回该异议，"
        "请由单位自行撤回，或由另一名工作人员办理。",
        "en": "Whoever entered the contested record (or proposed the listing), or filed the "
        "objection, cannot withdraw it for the unit; the unit itself or another member of "
        "staff must.",
    },
    "objection_target_ended": {
        "zh": "被异议的记录或名单已不再公示，异议无须再处理。",
        "en": "The contested record or listing is no longer public.",
    },
    "objection_target_stands": {
        "zh": "被异议的记录或名单仍在公示。",
        "en": "The contested record or listing is still public.",
    },
    "correction_required": {
        "zh": "更正须至少修改一项内容。",
        "en": "A correction must change at least one field.",
    },
    "no_pending_proposal": {
        "zh": "没有待审核的列入失信名单建议。",
        "en": "There is no listing proposal awaiting a decision.",
    },
    "level_exceeds_basis": {
        "zh": "列入等级不能重于所依据的决定：“{level_zh}”失信须至少依据一项{allowed_zh}的决定"
        "（过惩相当）。",
        "en": "A listing cannot be graver than the decisions it rests on: a {level} listing "
        "needs at least one basis decision of {allowed}.",
    },
    "basis_not_own_sanction": {
        "zh": "列入依据必须是本单位有效的行政处罚或行政强制记录（至少一条）。",
        "en": "The basis must be at least one of the unit's own active penalty or "
        "coercive-measure records.",
    },
    "supervisor_required": {
        "zh": "此操作须由审核人完成。",
        "en": "A supervisor must do this.",
    },
    "approver_is_proposer": {
        "zh": "建议人不能审核自己的建议，请由另一名审核人审核。",
        "en": "The proposer cannot approve their own proposal; another supervisor must.",
    },
    "no_active_listing": {
        "zh": "该单位没有生效的失信名单记录。",
        "en": "The unit has no active listing.",
    },
    "minimum_period_not_passed": {
        "zh": "最短公示期未满，最早可于 {earliest} 申请信用修复。",
        "en": "The minimum publicity period has not passed; the earliest date to apply is "
        "{earliest}.",
    },
    "restoration_barred": {
        "zh": "按现行政策不予信用修复：{reasons}。",
        "en": "Restoration is barred by policy: {reasons}.",
    },
    "commitment_not_signed": {
        "zh": "须签署信用承诺书。",
        "en": "The credit commitment (信用承诺书) must be signed.",
    },
    "reviewer_is_preparer": {
        "zh": "提交申请的执法人员不能审核同一申请，请由另一名审核人审核。",
        "en": "The officer who filed the request cannot decide it; another supervisor must.",
    },
    "reinspection_not_passed": {
        "zh": "责令停止施工、停止使用或者停产停业的，须经复查合格（本机关登记的、决定之后的"
        "监督检查，隐患均已整改）方可终止公示。",
        "en": "A stop order's publicity ends only after a re-inspection passed (an inspection "
        "recorded here after the decision, with every hazard rectified).",
    },
    "fines_unpaid": {
        "zh": "罚款尚未缴清，未缴金额 {outstanding} 元。",
        "en": "Fines are not fully paid; CNY {outstanding} outstanding.",
    },
    "hazards_unrectified": {
        "zh": "仍有 {hazards} 处隐患未整改、{measures} 项强制措施未解除。",
        "en": "{hazards} hazards are not rectified and {measures} coercive measures are "
        "still in force.",
    },
    "reason_required": {"zh": "须填写理由。", "en": "A written reason is required."},
    "not_for_unit": {
        "zh": "只能由单位本人或代其办理的执法人员撤回。",
        "en": "Only the unit, or staff acting on its behalf, can withdraw.",
    },
    "maximum_period_not_passed": {
        "zh": "最长公示期尚未届满（至 {ends}）。",
        "en": "The maximum publicity period has not ended (it ends on {ends}).",
    },
    "revocation_ground_required": {
        "zh": "须说明撤销依据：{grounds} 之一。",
        "en": "Give the ground for revoking: one of {grounds}.",
    },
    "basis_not_revoked": {
        "zh": "列入依据的决定尚未撤销；请先撤销该决定，或选择复议、诉讼为撤销依据。",
        "en": "No basis decision has been revoked; revoke it first, or give reconsideration "
        "or litigation as the ground.",
    },
    "request_pending": {
        "zh": "已有一份信用修复申请在审核中。",
        "en": "An application is already under review.",
    },
    "not_listed": {
        "zh": "该单位不在失信名单上，无需申请移出。",
        "en": "The unit is not on the dishonesty list.",
    },
    "record_not_published": {
        "zh": "该处罚信息尚未在信用平台公示。",
        "en": "This penalty has not been published on the credit platform yet.",
    },
    "record_not_restorable": {
        "zh": "只有已公示的行政处罚信息可以申请终止公示。",
        "en": "Only a published administrative penalty can have its publicity ended early.",
    },
    "record_minimum_not_passed": {
        "zh": "该处罚信息最短公示期未满，最早可于 {earliest} 申请终止公示。",
        "en": "The minimum publicity period of this penalty has not passed; the earliest date "
        "to apply is {earliest}.",
    },
    "record_maximum_not_passed": {
        "zh": "该处罚信息最长公示期尚未届满（至 {ends}）。",
        "en": "The maximum publicity period of this penalty has not ended (it ends on {ends}).",
    },
    "record_not_revoked": {
        "zh": "该处罚决定尚未撤销。",
        "en": "This penalty decision has not been revoked.",
    },
    "revocation_target_ended": {
        "zh": "该失信名单或执法决定已经结束，无需再撤销；请作不予撤销处理。",
        "en": "The listing or decision has already ended; nothing is left to revoke.",
    },
    "revocation_target_stands": {
        "zh": "该失信名单或执法决定仍然有效。",
        "en": "The listing or decision is still in force.",
    },
}


def render(unmet: Unmet, lang: str = "zh") -> str:
    """The message of an unmet guard in ``lang`` (``zh`` or ``en``)."""
    texts = MESSAGES.get(unmet.code, {"zh": unmet.code, "en": unmet.code})
    params: dict[str, Any] = {
        k: (
            "、".join(v)
            if isinstance(v, list) and lang == "zh"
            else ", ".join(v)
            if isinstance(v, list)
            else v
        )
        for k, v in unmet.params.items()
    }
    return texts.get(lang, texts["zh"]).format(**params)
