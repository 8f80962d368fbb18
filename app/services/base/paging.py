"""One page of a query and the total count: the shape every list endpoint shares."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select

from app.extensions import db


def page_of(
    query: Select[Any], order_by: tuple[Any, ...], page: int, per_page: int
) -> tuple[list[Any], int]:
    """Rows of page ``page`` (from 1) in ``order_by`` order, and how many rows match in all."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = db.session.scalars(
        query.order_by(*order_by).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(rows), int(total)
