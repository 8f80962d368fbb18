"""Counting rows, to show that a refused change wrote nothing."""

from sqlalchemy import func, select

from app.extensions import db


def row_counts() -> dict[str, int]:
    db.session.rollback()
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t)) or 0
        for t in db.metadata.sorted_tables
    }
