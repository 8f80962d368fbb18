import datetime as dt

from app.services.audit.unit_trail import GENESIS, event_hash, verify_chain

KEY = b"the-audit-key"


def chain(n: int) -> list[dict]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = {
            "unit_id": 1, "seq": seq, "trigger": "t", "from_status": "normal",
            "to_status": "listed", "actor_id": 1, "actor": "a", "role": "officer",
            "reason": None, "refs": {"x": seq},
            "occurred_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=seq),
        }
        fields["prev_hash"], fields["hash"] = prev, event_hash(prev, fields, KEY)
        prev = fields["hash"]
        events.append(fields)
    return events


def test_an_untouched_chain_verifies():
    assert verify_chain(chain(5), KEY) is None
    assert verify_chain([], KEY) is None


def test_altering_any_field_of_any_event_breaks_verification():
    for index in range(5):
        for key, value in [("reason", "x"), ("actor", "b"), ("to_status", "restored"),
                           ("refs", {"x": 0}), ("seq", 99)]:
            events = chain(5)
            events[index][key] = value
            assert verify_chain(events, KEY) == index + 1


def test_removing_or_reordering_events_breaks_verification():
    events = chain(4)
    assert verify_chain(events[:1] + events[2:], KEY) == 2
    assert verify_chain([events[1], events[0]], KEY) == 1


def test_the_same_chain_under_another_key_does_not_verify():
    assert verify_chain(chain(3), b"another-key") == 1
