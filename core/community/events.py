"""Domain events: stored with the sender's transaction, delivered after it commits.

``emit()`` adds a row to the outbox (``core_events``) in the current transaction, so an
event exists if and only if the change that caused it committed. After the commit the
event is delivered in one transaction of its own: core's handler and each enabled
plugin's ``on_event`` run in a savepoint each, so a handler that raises loses only its
own writes; it is recorded in ``core_event_failures`` (in that same transaction) and
retried by ``flask events retry`` (or an RQ job), never blocking the sender and never
lost.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

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
_HANDLER_SAVEPOINT = "gongzhi_handler_savepoint"  # on the session's info, while one runs


def emit(name: str, **payload) -> DomainEvent:
    """Record a domain event in the current transaction; it is delivered after commit."""
    evt = DomainEvent(name=name, payload=payload)
    db.session.add(evt)
    db.session.info.setdefault(_PENDING, []).append(evt)
    return evt


def deliver(event_id: int, tenant_id: int, only_plugin: str | None = None) -> int:
    """Run the handlers for one stored event in its community's scope, whether delivered
    after a request or retried from the CLI. Returns the number of failures.

    One transaction for the whole event (SQLite's write lock is taken once, not once per
    handler): each handler runs in its own savepoint, and one that raises (also at flush,
    an IntegrityError) rolls back only its savepoint and is recorded in the same
    transaction. Handlers must not commit (``HandlerCommitted``)."""
    with intend_to_write(), community_scope(tenant_id):
        evt = db.session.get(DomainEvent, event_id)
        if evt is None:  # deleted meanwhile (a purged community): nothing to deliver
            db.session.rollback()
            return 0
        gw = gateway()
        handlers = [
            (impl.plugin_name, lambda evt, impl=impl: call_impl(impl, {"event": evt}))
            for impl in gw.implementations("on_event", only=only_plugin)
        ]
        after_commit = None
        core = _core_handler(evt)
        if core is not None and only_plugin in (None, CORE):
            handlers.insert(0, (CORE, core[0]))
            after_commit = core[1]
        known = _failures_of(event_id)
        failed: set[str] = set()
        for handler_id, handler in handlers:
            try:
                with db.session.begin_nested() as savepoint:
                    db.session.info[_HANDLER_SAVEPOINT] = savepoint
                    try:
                        handler(evt)
                    finally:  # our own release of the savepoint is no handler's commit
                        db.session.info.pop(_HANDLER_SAVEPOINT, None)
            except Exception as exc:
                if _strict(gw):
                    db.session.commit()  # the handlers before it keep their writes, as ever
                    raise
                log.exception("event %s handler %s failed", event_id, handler_id)
                failed.add(handler_id)
                _record_failure(known, event_id, handler_id, exc)
            else:
                _mark_failure_resolved(known.get(handler_id))
        if evt.delivered_at is None:
            evt.delivered_at = utcnow()
        try:
            db.session.commit()
        except Exception as exc:
            # Rare (a lost connection, a serialization failure): every handler's writes
            # went with it. The event stays undelivered and each handler is recorded as
            # failed in a new transaction, so ``flask events retry`` runs them again
            # rather than the event being lost.
            db.session.rollback()
            if _strict(gw):
                raise
            log.exception("event %s: its delivery did not commit", event_id)
            return _record_lost(event_id, [handler_id for handler_id, _ in handlers], exc)
        if after_commit is not None and CORE not in failed:
            try:
                after_commit(evt)
            except Exception as exc:
                db.session.rollback()
                if _strict(gw):
                    raise
                log.exception("event %s handler %s failed after commit", event_id, CORE)
                failed.add(CORE)
                _record_failure(known, event_id, CORE, exc)
                db.session.commit()
    return len(failed)


class HandlerCommitted(RuntimeError):
    """An ``on_event`` handler called ``commit()``: the delivery commits once for all
    handlers, so a handler's own commit is refused (and recorded as its failure)."""


def _no_commit_in_handler(session: Session) -> None:
    # The handler's savepoint is committed only by deliver() (after the marker is gone);
    # a handler's session.commit() starts by committing that savepoint, up to the root.
    savepoint = session.info.get(_HANDLER_SAVEPOINT)
    if savepoint is not None and savepoint is session.get_nested_transaction():
        raise HandlerCommitted(
            "an on_event handler must not commit: its event's delivery commits once for "
            "every handler (docs/hooks.md, on_event)"
        )


def _strict(gw) -> bool:
    return gw.host.strict and not current_app.config.get("EVENTS_TOLERATE_FAILURES")


def _core_handler(evt: DomainEvent) -> tuple[Callable, Callable] | None:
    """Core's own handler for an event (notifications), run first and recorded as "core",
    and what it does after the delivery committed (the e-mails)."""
    from core.community import notifications  # it emits through this module

    if evt.name == notifications.EVENT:
        return notifications.deliver, notifications.send_mails
    return None


def _failures_of(event_id: int) -> dict[str, EventFailure]:
    """The recorded failures of one event, by handler id (one query)."""
    return {
        f.plugin_id: f
        for f in db.session.execute(
            db.select(EventFailure).where(EventFailure.event_id == event_id)
        ).scalars()
    }


def _mark_failure_resolved(failure: EventFailure | None) -> None:
    if failure is not None and failure.resolved_at is None:
        failure.resolved_at = utcnow()


def _record_failure(
    known: dict[str, EventFailure], event_id: int, plugin_id: str, exc: Exception
) -> None:
    text = "".join(traceback.format_exception_only(exc)).strip()[:2000]
    failure = known.get(plugin_id)
    if failure is None:
        known[plugin_id] = EventFailure(event_id=event_id, plugin_id=plugin_id, error=text)
        db.session.add(known[plugin_id])
    else:
        failure.attempts += 1
        failure.error = text
        failure.resolved_at = None


def _record_lost(event_id: int, handler_ids: list[str], exc: Exception) -> int:
    """Record every handler of a delivery that did not commit; returns how many."""
    known = _failures_of(event_id)
    for handler_id in handler_ids:
        _record_failure(known, event_id, handler_id, exc)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("event %s left undelivered and unrecorded: deliver it by hand", event_id)
    return len(handler_ids)


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
    pending = session.info.get(_PENDING)
    if not pending:
        return
    # A savepoint's rollback (a handler that failed, a plugin isolated by ask_plugins)
    # drops only the events emitted inside it: SQLAlchemy expunged the rows it added. The
    # transaction's other events still go out when it commits; a full rollback drops all.
    kept = [evt for evt in pending if evt in session]
    if kept:
        session.info[_PENDING] = kept
    else:
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
    sa_event.listen(Session, "before_commit", _no_commit_in_handler)
