"""The keys every bench process shares (PostgreSQL runs refuse to start without them)."""

KEYS = {"SECRET_KEY": "bench-secret-key-0123456789",
        "AUDIT_KEY": "bench-audit-key-0123456789"}
