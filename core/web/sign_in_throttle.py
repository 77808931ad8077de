"""Failed sign-ins per account, counted in the database: the throttle holds with any number
of workers or app servers and without Redis (the per-address limits of Flask-Limiter come
on top, see docs/operations.md).

After ``SIGN_IN_FREE_FAILURES`` failures in a row, each further failure locks the account
for a wait that doubles from ``SIGN_IN_FIRST_WAIT`` seconds up to ``SIGN_IN_MAX_WAIT``;
while locked, even the right password is refused. A success clears the count, and so does
a password reset; a count with no failure for a day starts again from zero. Accounts are
keyed by the e-mail typed, known or not, so the answers never tell which have accounts.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, request
from flask_babel import format_timedelta
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from core.extensions import db
from core.models import SignInFailure
from core.services.time import as_aware, utcnow

log = logging.getLogger("gongzhi.sign_in")
FORGET_AFTER = timedelta(days=1)
TABLE = SignInFailure.__table__


def now() -> datetime:
    """The one place the throttle reads the time (tests freeze it)."""
    return utcnow()


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def wait_after(failures: int) -> int:
    """Seconds an account stays locked after its ``failures``-th failure in a row."""
    config = current_app.config
    over = failures - config["SIGN_IN_FREE_FAILURES"]
    if over <= 0:
        return 0
    return min(config["SIGN_IN_FIRST_WAIT"] * 2 ** min(over - 1, 32), config["SIGN_IN_MAX_WAIT"])


def seconds_to_wait(email: str) -> int:
    """0 if the account may try to sign in now, else the seconds left of its lock."""
    locked_until = db.session.execute(
        sa.select(TABLE.c.locked_until).where(TABLE.c.account == _key(email))
    ).scalar_one_or_none()
    if locked_until is None:
        return 0
    left = (as_aware(locked_until) - now()).total_seconds()
    return math.ceil(left) if left > 0 else 0


def record_failure(email: str) -> int:
    """Count a failed sign-in (atomically, whoever else counts at the same time) and
    commit; the seconds the account is now locked for (0: not locked)."""
    at = now()
    stale = TABLE.c.last_failure_at < at - FORGET_AFTER
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    upsert = (
        insert(TABLE)
        .values(account=_key(email), failures=1, last_failure_at=at)
        .on_conflict_do_update(
            index_elements=[TABLE.c.account],
            set_={
                "failures": sa.case((stale, 1), else_=TABLE.c.failures + 1),
                "last_failure_at": at,
            },
        )
        .returning(TABLE.c.failures)
    )
    failures = db.session.execute(upsert).scalar_one()
    wait = wait_after(failures)
    db.session.execute(
        sa.update(TABLE)
        .where(TABLE.c.account == _key(email))
        .values(locked_until=at + timedelta(seconds=wait) if wait else None)
    )
    # Housekeeping: counts nobody added to for a day are forgotten anyway.
    db.session.execute(sa.delete(TABLE).where(stale))
    db.session.commit()
    if wait:
        log.warning(
            "sign-in locked for %ss after %s failures (from %s)",
            wait,
            failures,
            request.remote_addr,
        )
    return wait


def forget(email: str) -> None:
    """Clear the account's failures (after a success or a password reset); caller commits."""
    db.session.execute(sa.delete(TABLE).where(TABLE.c.account == _key(email)))


def wait_message(seconds: int) -> str:
    """ "Try again in 2 minutes" in the user's language, the wait rounded up."""
    if seconds >= 60:
        seconds = 60 * math.ceil(seconds / 60)
    wait = format_timedelta(timedelta(seconds=seconds))
    return _("Too many failed sign-ins for this account. Please try again in %(wait)s.", wait=wait)
