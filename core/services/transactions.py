"""Whether the session's open transaction has written anything.

A read-only transaction has nothing to lose: code that must survive a failing call
inside it (a plugin's widget) can roll the whole transaction back instead of paying for a
savepoint around every call (core/plugins/gateway.py). Writes are seen where they reach
the database, so ORM flushes, Core statements and raw SQL all count.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

_WROTE = "gongzhi_wrote"  # on the connection's info, for its current transaction
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


def is_write(statement: str) -> bool:
    return statement.lstrip()[:7].upper().startswith(WRITES)


@event.listens_for(Engine, "begin")
def _new_transaction(conn) -> None:
    conn.info.pop(_WROTE, None)


@event.listens_for(Engine, "before_cursor_execute")
def _note_write(conn, _cursor, statement, *_args) -> None:
    if is_write(statement):
        conn.info[_WROTE] = True


def has_written(session: Session) -> bool:
    """True if the open transaction wrote, or has changes waiting to be flushed, or is
    inside a savepoint (whose owner, an event's delivery, keeps what came before it)."""
    if session.new or session.dirty or session.deleted or session.in_nested_transaction():
        return True
    if session.get_transaction() is None:
        return False
    return bool(session.connection().info.get(_WROTE))
