"""The texts of the reminders (Simplified Chinese: units and staff read them in Chinese)."""

from __future__ import annotations

from email.message import EmailMessage

from app.extensions import db
from app.models import EnforcementRecord, Notification, Objection, RestorationRequest, Unit
from app.services.base.context import setting_str
from app.services.credit.status import active_listing
from app.workflows import application
from app.workflows.vocabulary import OBJECTION_STATUSES, OPEN_OBJECTIONS

SIGNATURE = "\n\n（本邮件由系统自动发送，请勿直接回复。）\n{authority}"


def render(note: Notification) -> EmailMessage | None:
    """The email of a reminder, or None when it no longer applies (it is then cancelled)."""
    session = db.session()
    unit = session.get(Unit, note.unit_id) if note.unit_id else None
    request = session.get(RestorationRequest, note.request_id) if note.request_id else None
    base = setting_str("BASE_URL").rstrip("/")
    if unit is None:
        return None
    who = f"{unit.name}（统一社会信用代码 {unit.uscc}）"
    record_id = (note.params or {}).get("record_id")
    if note.kind == "eligible" and record_id:
        record = session.get(EnforcementRecord, record_id)
        if record is None or record.publicity_status != "public":
            return None  # applied, restored, expired or withdrawn meanwhile
        subject = f"【信用修复提醒】{unit.name}现可申请终止公示一条行政处罚信息"
        body = (f"{who}：\n\n行政处罚决定 {record.document_no} 的最短公示期已届满，"
                "罚款缴清后可申请提前终止公示。\n请登录自助服务，使用《行政处罚信息信用修复告知书》"
                f"上的访问码在线申请：\n{base}/self/login")
    elif note.kind == "eligible":
        listing = active_listing(unit.id)
        if listing is None or unit.credit_status != "listed":
            return None  # applied, restored or revoked meanwhile
        subject = f"【信用修复提醒】{unit.name}现可申请信用修复"
        body = (f"{who}：\n\n贵单位列入消防安全失信名单的最短公示期已于 {listing.min_until} 届满，"
                "现可申请信用修复。\n请登录自助服务，使用《失信主体名单列入告知书》上的访问码查看修复步骤"
                f"并在线申请：\n{base}/self/login")
    elif note.kind == "decision" and request is not None:
        if request.status == "approved":
            subject = f"【信用修复结果】{unit.name}的信用修复申请已通过"
            done = ("已移出失信名单。" if request.record is None else
                    f"行政处罚决定 {request.record.document_no} 的公示已提前终止。")
            body = (f"{who}：\n\n贵单位的信用修复申请（编号 {request.id}）已通过审核，"
                    f"{done}\n详情：{base}/self/")
        elif request.status == "rejected":
            subject = f"【信用修复结果】{unit.name}的信用修复申请未通过"
            body = (f"{who}：\n\n贵单位的信用修复申请（编号 {request.id}）未通过审核。\n"
                    f"理由：{request.decision_reason or ''}\n"
                    f"请按理由整改后重新申请：{base}/self/")
        else:
            return None
    elif note.kind == "due_soon" and request is not None:
        if request.status != application.OPEN:
            return None  # decided meanwhile
        subject = f"【办理期限提醒】信用修复申请 {request.id} 应于 {request.due_on} 前作出决定"
        body = (f"{who}的信用修复申请（编号 {request.id}）应于 {request.due_on} 前作出决定"
                f"（受理后10个工作日）。\n"
                f"办理：{base}/staff/restoration-requests/{request.id}")
    elif note.kind in ("objection_decided", "objection_due") and note.objection_id:
        text = _objection_text(note, who, base)
        if text is None:
            return None
        subject, body = text
    else:
        return None
    body += SIGNATURE.format(authority=setting_str("AUTHORITY_NAME"))
    return build_message(note, subject, body)


def _objection_text(note: Notification, who: str, base: str) -> tuple[str, str] | None:
    """An objection's answer (to the unit), or its deadline (to the staff mailbox)."""
    objection = db.session.get(Objection, note.objection_id)
    if objection is None:
        return None
    item = (f"行政执法信息 {objection.record.document_no}" if objection.record is not None
            else "列入失信名单的信息")
    if note.kind == "objection_due":
        if objection.status not in OPEN_OBJECTIONS:
            return None  # answered meanwhile
        return (f"【异议答复期限提醒】异议 {objection.id} 应于 {objection.due_on} 前答复",
                f"{who}对{item}提出的异议（编号 {objection.id}）应于 {objection.due_on} 前答复。\n"
                f"办理：{base}/staff/objections/{objection.id}")
    if objection.status in OPEN_OBJECTIONS:
        return None
    outcome = OBJECTION_STATUSES.zh(objection.status)
    return (f"【异议答复】{objection.unit.name}的异议：{outcome}",
            f"{who}：\n\n贵单位对{item}提出的异议（编号 {objection.id}）已答复：{outcome}。\n"
            f"理由：{objection.decision_reason or ''}\n详情：{base}/self/")


def build_message(note: Notification, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 email."""
    message = EmailMessage()
    message["From"], message["To"] = setting_str("MAIL_FROM"), note.recipient
    message["Subject"] = subject
    # Stable per reminder: a resend after a crash carries the same id, so mail clients merge it.
    message["Message-ID"] = f"<creditflow-notification-{note.id}@{message_id_domain()}>"
    message.set_content(body)
    return message


def message_id_domain() -> str:
    """The domain part of the sender, for stable message ids."""
    return (setting_str("MAIL_FROM").rpartition("@")[2] or "localhost").strip("<> ")
