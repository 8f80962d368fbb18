"""Staff pages (``/staff``): the work queue, units, records, listings, restoration, revocation,
disclosure, administration. Each view parses a form, calls one service function and renders;
importing this package registers every view on ``bp``."""

from __future__ import annotations

from app.web.staff import (
    admin,
    disclosure,
    imports,
    listings,
    objections,
    records,
    restoration,
    revocations,
    statistics,
    units,
)
from app.web.staff.blueprint import bp

__all__ = ["admin", "bp", "disclosure", "imports", "listings", "objections", "records",
           "restoration", "revocations", "statistics", "units"]
