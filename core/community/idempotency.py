"""Writes a person may retry are stored once: the form carries a key, the first submit
records it with what it created, a repeat (double click, reload after a lost answer,
back-and-resubmit) finds that instead of storing a second row.

    class ReportForm(FlaskForm):
        idempotency_key = IdempotencyKeyField()       # a new key each time the form renders

    once = run_once(form.idempotency_key.data, "requests.report", store)  # store() -> new id
    if once.repeated: ...                                                  # the first's id

The key is recorded in the same transaction as the write, under a unique key
``(tenant_id, action, key)``: even two submits at the same moment store one row, the
second fails on the key, is rolled back whole, and answers the first's result.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from core.community.events import flush_deliveries
from core.extensions import db
from core.models import IdempotencyKey
from core.services.time import utcnow
from tenants.context import all_tenants

KEY = re.compile(r"[0-9a-f]{32}")


class IdempotencyKeyField(HiddenField):
    """A hidden field holding a fresh random key each time the form is rendered; a
    re-rendered invalid form keeps the submitted one."""

    def __init__(self, label: str | None = None, **kwargs) -> None:
        kwargs.setdefault("default", lambda: uuid.uuid4().hex)
        super().__init__(label, **kwargs)


@dataclass(frozen=True)
class Once:
    """What a submit stored: the new row's id, and whether an earlier submit with the
    same key had already stored it (then nothing was written this time)."""

    result_id: int
    repeated: bool


def _stored(action: str, key: str) -> int | None:
    return db.session.execute(
        db.select(IdempotencyKey.result_id).where(
            IdempotencyKey.action == action, IdempotencyKey.key == key
        )
    ).scalar_one_or_none()


def run_once(key: str | None, action: str, write: Callable[[], int]) -> Once:
    """Run ``write`` (adds rows, flushes, returns the new row's id) and commit, unless a
    submit with this ``key`` already stored ``action`` in this community.

    Commits (and delivers the events the write emitted). A key that is missing or not one
    of ours is no key: the write runs unguarded.
    """
    if not key or not KEY.fullmatch(key):
        result_id = write()
        db.session.commit()
        flush_deliveries()
        return Once(result_id, False)
    found = _stored(action, key)
    if found is not None:
        db.session.rollback()
        return Once(found, True)
    result_id = write()
    db.session.add(IdempotencyKey(action=action, key=key, result_id=result_id))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # the whole write: another submit with this key won the race
        found = _stored(action, key)
        if found is None:
            raise
        db.session.rollback()
        return Once(found, True)
    flush_deliveries()
    return Once(result_id, False)


def purge_keys(older_than: timedelta) -> int:
    """Forget keys older than ``older_than`` in every community (``flask idempotency
    purge``, from cron): nobody resubmits a form after that long. Returns how many."""
    with all_tenants():
        deleted = db.session.execute(
            db.delete(IdempotencyKey).where(IdempotencyKey.created_at < utcnow() - older_than)
        ).rowcount
        db.session.commit()
    return deleted
