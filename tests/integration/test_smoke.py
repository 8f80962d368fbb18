from app.services import restoration
from tests import builders as b


def test_full_cycle(ctx):
    officer, supervisor = b.staff("officer"), b.staff("supervisor")
    u, rec, lst, req = b.restoration_ready(officer, supervisor)
    restoration.approve_request(supervisor, req.id)
    assert u.credit_status == "restored"
