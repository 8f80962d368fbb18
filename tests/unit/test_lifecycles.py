"""Every lifecycle is a machine and every status family a vocabulary: the listing, the
restoration application and the disclosure batch, like the credit machine."""

from __future__ import annotations

import pytest

from app.workflows import application, batch, listing, vocabulary
from app.workflows.facts import Actor, ProposalFacts
from app.workflows.machine import GuardsUnmet, InvalidTrigger

QIAN = Actor(2, "qian", "supervisor")
LI = Actor(3, "li", "supervisor")
WANG = Actor(1, "wang", "officer")


def test_each_machine_has_its_vocabulary_as_states() -> None:
    assert vocabulary.LISTING_STATUSES.values == listing.STATES
    assert vocabulary.REQUEST_STATUSES.values == application.STATES
    assert vocabulary.BATCH_STATUSES.values == batch.STATES


def test_a_proposal_is_rejected_by_another_supervisor_with_a_reason() -> None:
    rejected = listing.fire("proposed", "reject_listing", ProposalFacts(LI, 2, "依据不足"))
    assert rejected == "rejected"
    with pytest.raises(GuardsUnmet) as own:
        listing.fire("proposed", "reject_listing", ProposalFacts(QIAN, 2, "依据不足"))
    assert [u.code for u in own.value.unmet] == ["approver_is_proposer"]
    with pytest.raises(GuardsUnmet) as unreasoned:
        listing.fire("proposed", "reject_listing", ProposalFacts(WANG, 2, " "))
    assert [u.code for u in unreasoned.value.unmet] == ["supervisor_required", "reason_required"]


def test_a_listing_is_decided_once_and_ends_once() -> None:
    facts = ProposalFacts(LI, 2)
    assert listing.fire("proposed", "approve_listing", facts) == "active"
    for decided in ("active", "rejected", "restored"):
        with pytest.raises(InvalidTrigger):
            listing.fire(decided, "reject_listing", ProposalFacts(LI, 2, "x"))
    assert listing.ENDED_BY == {"restored": "restore_listing", "expired": "expire_listing",
                                "revoked": "revoke_listing"}
    for end, trigger in listing.ENDED_BY.items():
        assert listing.fire("active", trigger, facts) == end
        with pytest.raises(InvalidTrigger):
            listing.fire(end, trigger, facts)


def test_an_application_is_decided_once() -> None:
    ends = {t: application.fire("submitted", t, None) for t in application.TRIGGERS}
    assert ends == {"approve_request": "approved", "reject_request": "rejected",
                    "withdraw_request": "withdrawn", "close_request": "closed"}
    for decided in ends.values():
        with pytest.raises(InvalidTrigger):
            application.fire(decided, "approve_request", None)
    assert set(application.ENDED_UNDECIDED) == {"rejected", "withdrawn", "closed"}


def test_a_batch_is_sent_again_only_from_the_right_state() -> None:
    assert batch.sources("deliver") == batch.UNSETTLED == ("pending", "retrying")
    assert batch.sources("retry_batch") == ("failed",)
    assert batch.sources("resend_batch") == ("delivered",)
    assert {batch.dest(t) for t in ("retry_batch", "resend_batch", "fail_retryable")} == {
        "retrying"}


def test_page_labels_are_the_vocabulary() -> None:
    from app.web.i18n import LABELS

    families = {"request_status": vocabulary.REQUEST_STATUSES,
                "batch_status": vocabulary.BATCH_STATUSES,
                "item_status": vocabulary.ITEM_STATUSES, "run_status": vocabulary.RUN_STATUSES,
                "notification_status": vocabulary.NOTIFICATION_STATUSES,
                "notification_kind": vocabulary.NOTIFICATION_KINDS,
                "op": vocabulary.DISCLOSURE_OPS, "day_kind": vocabulary.DAY_KINDS,
                "listing_status": vocabulary.LISTING_STATUSES}
    for kind, words in families.items():
        assert {k: str(v) for k, v in LABELS[kind].items()} == {
            t.value: t.zh for t in words.terms}, kind
    assert set(LABELS["attempt_outcome"]) == {*vocabulary.ATTEMPT_OUTCOMES.values, "interrupted"}
