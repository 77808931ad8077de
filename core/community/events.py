"""Domain events: stored with the sender's transaction, delivered after it commits.

``emit()`` adds a row to the outbox (``core_events``) in the current transaction, so an
event exists if and only if the change that caused it committed. After the commit each
enabled plugin's ``on_event`` runs in its own transaction; a handler that raises is
recorded in ``core_event_failures`` and retried by ``flask events retry`` (or an RQ job),
never blocking the sender and never lost.
"""

from __future__ import annotations

import logging
import traceback

from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from core.extensions import db
from core.models import DomainEvent, EventFailure
from core.plugins.gateway import gateway
from core.plugins.host import call_impl
from core.services.time import utcnow
from core.sqlite import intend_to_write
from tenants.context import all_tenants, community_scope

log = logging.getLogger("gongzhi.events")
_PENDING = "gongzhi_pending_events"
CORE = "core"  # the handler id of core's own handlers in core_event_failures


def emit(name: str, **payload) -> DomainEvent:
    """Record a domain event in the current transaction; it is delivered after commit."""
    evt = DomainEvent(name=name, payload=payload)
    db.session.add(evt)
    db.session.info.setdefault(_PENDING, []).append(evt)
    return evt


def deliver(event_id: int, tenant_id: int, only_plugin: str | None = None) -> int:
    """Run the handlers for one stored event in its community's scope, each handler in its
    own transaction, whether delivered after a request or retried from the CLI. Returns
    the number of failures."""
    failures = 0
    with intend_to_write(), community_scope(tenant_id):
        gw = gateway()
        handlers = [
            (impl.plugin_name, lambda evt, impl=impl: call_impl(impl, {"event": evt}))
            for impl in gw.implementations("on_event", only=only_plugin)
        ]
        core_handler = _core_handler(db.session.get(DomainEvent, event_id))
        if core_handler is not None and only_plugin in (None, CORE):
            handlers.insert(0, (CORE, core_handler))
        for handler_id, handler in handlers:
            evt = db.session.get(DomainEvent, event_id)
            try:
                handler(evt)
                _mark_failure_resolved(event_id, handler_id)
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                failures += 1
                if gw.host.strict and not current_app.config.get("EVENTS_TOLERATE_FAILURES"):
                    raise
                log.exception("event %s handler %s failed", event_id, handler_id)
                _record_failure(event_id, handler_id, exc)
        evt = db.session.get(DomainEvent, event_id)
        if evt is not None and evt.delivered_at is None:
            evt.delivered_at = utcnow()
            db.session.commit()
    return failures


def _core_handler(evt: DomainEvent | None):
    """Core's own handler for an event (notifications), run first and recorded as "core"."""
    from core.community import notifications  # it emits through this module

    if evt is not None and evt.name == notifications.EVENT:
        return notifications.deliver
    return None


def _mark_failure_resolved(event_id: int, plugin_id: str) -> None:
    failure = db.session.execute(
        db.select(EventFailure).where(
            EventFailure.event_id == event_id, EventFailure.plugin_id == plugin_id
        )
    ).scalar_one_or_none()
    if failure is not None and failure.resolved_at is None:
        failure.resolved_at = utcnow()


def _record_failure(event_id: int, plugin_id: str, exc: Exception) -> None:
    text = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    failure = db.session.execute(
        db.select(EventFailure).where(
            EventFailure.event_id == event_id, EventFailure.plugin_id == plugin_id
        )
    ).scalar_one_or_none()
    if failure is None:
        db.session.add(EventFailure(event_id=event_id, plugin_id=plugin_id, error=text))
    else:
        failure.attempts += 1
        failure.error = text
        failure.resolved_at = None
    db.session.commit()


def retry_failed() -> tuple[int, int]:
    """Deliver again every unresolved failure. Returns (retried, still failing)."""
    with all_tenants():
        pending = [
            (f.event_id, f.tenant_id, f.plugin_id)
            for f in db.session.execute(
                db.select(EventFailure).where(EventFailure.resolved_at.is_(None))
            ).scalars()
        ]
        db.session.commit()
    still = sum(deliver(eid, tid, only_plugin=pid) for eid, tid, pid in pending)
    return len(pending), still


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    ids = [(evt.id, evt.tenant_id) for evt in pending]
    # Deliver outside the committed transaction; Session state is clean again here.
    session.info.setdefault("gongzhi_to_deliver", []).extend(ids)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def flush_deliveries() -> None:
    """Deliver events whose transaction committed (called after commit and at teardown)."""
    session = db.session()
    while session.info.get("gongzhi_to_deliver"):
        event_id, tenant_id = session.info["gongzhi_to_deliver"].pop(0)
        deliver(event_id, tenant_id)


def install() -> None:
    if getattr(install, "done", False):
        return
    install.done = True
    sa_event.listen(Session, "after_commit", _after_commit)
    sa_event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
