"""Counting the SQL statements a page or a call runs (tests that keep a page's statements
fixed as the data grows)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from flask import Flask


class Statements(list[str]):
    """The statements' text, in order; ``parameters[i]`` are those sent with ``self[i]``
    (to ``EXPLAIN`` one of them as it ran)."""

    def __init__(self) -> None:
        super().__init__()
        self.parameters: list[Any] = []


@contextmanager
def count_statements(app_or_engine: Flask | Engine) -> Iterator[Statements]:
    """``with count_statements(app) as statements:`` every SQL statement the app's engine
    (or the engine given) sends while inside, in order, as the text sent to the driver;
    ``len(statements)`` is the count."""
    if isinstance(app_or_engine, Engine):
        engine = app_or_engine
    else:
        from core.extensions import db

        with app_or_engine.app_context():
            engine = db.engine
    statements = Statements()

    def note(_conn, _cursor, statement: str, parameters: Any, *_args) -> None:
        statements.append(statement)
        statements.parameters.append(parameters)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
