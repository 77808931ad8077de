"""Keyset pagination for long lists: page cost does not grow with the table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request

from core.services.parsing import parse_id


@dataclass
class Page:
    items: list[Any]
    next_cursor: int | None
    cursor: int | None


def paginate(select, id_column, per_page: int = 20, cursor_arg: str = "before") -> Page:
    """Newest first by ``id_column``; the page after is ``?before=<next_cursor>``.

    A select of one entity pages its objects; a select of columns (a list that needs a
    few fields, not whole objects) pages its rows, which must include ``id_column``."""
    cursor = parse_id(request.args.get(cursor_arg))
    if cursor is not None:
        select = select.where(id_column < cursor)
    from core.extensions import db

    result = db.session.execute(select.order_by(id_column.desc()).limit(per_page + 1))
    rows = list(result.scalars() if len(select.column_descriptions) == 1 else result)
    more = len(rows) > per_page
    rows = rows[:per_page]
    next_cursor = getattr(rows[-1], id_column.key) if more and rows else None
    return Page(rows, next_cursor, cursor)
