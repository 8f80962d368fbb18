"""The keys every bench process shares, and an authority code of its own (PostgreSQL runs
refuse to start without them, or with the placeholder code)."""

KEYS = {"SECRET_KEY": "bench-secret-key-0123456789",
        "AUDIT_KEY": "bench-audit-key-0123456789",
        "AUTHORITY_USCC": "11120110MB0000001P"}
