"""Domain events: delivered after commit, never on rollback, failures kept and retried;
one event in one transaction, each handler isolated in a savepoint."""

import types

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from core.community.events import HandlerCommitted, emit, flush_deliveries
from core.extensions import db
from core.models import DomainEvent, EventFailure, Notification
from core.plugin_api import PluginMeta, hookimpl, notify
from tenants.context import all_tenants, tenant_scope


def _plugin(plugin_id: str, handle):
    module = types.ModuleType(f"{plugin_id}_plugin")
    module.meta = PluginMeta(
        id=plugin_id,
        version="1",
        label={"zh_Hans": plugin_id, "en": plugin_id},
        description={"zh_Hans": "", "en": ""},
    )
    module.on_event = hookimpl(lambda event: handle(module, event))
    return module


def _note(event, kind: str) -> None:
    """A row a handler writes (of the event's first recipient), to see whether it stayed."""
    db.session.add(Notification(user_id=event.payload["user_ids"][0], kind=kind, title={}))


def _listener(fail_times: int, write_first: bool = False, commit: bool = False):
    def handle(module, event):
        if write_first:
            _note(event, "listener")
        if commit:
            db.session.commit()
        if module.failures_left > 0:
            module.failures_left -= 1
            raise RuntimeError("handler down")
        module.seen.append((event.name, event.payload, event.tenant_id))

    module = _plugin("listener", handle)
    module.seen = []
    module.failures_left = fail_times
    return module


def _broken(module, event):
    """Fails only when its row reaches the database (no user: NOT NULL), at flush."""
    db.session.add(Notification(user_id=None, kind="broken", title={}))


def _writer(module, event):
    _note(event, "writer")


@pytest.fixture
def gongzhi_extra_plugins(request):
    # Handlers run core's first, then by plugin id: broken, listener, writer.
    marker = request.node.get_closest_marker("probe")
    return {
        "listener": _listener(**(marker.kwargs if marker else {"fail_times": 0})),
        "broken": _plugin("broken", _broken),
        "writer": _plugin("writer", _writer),
    }


@pytest.fixture
def listener(app):
    return app.extensions["gongzhi.plugins"].get("listener").module


def test_delivered_after_commit_in_the_community_scope(app, community, enable_plugin, listener):
    enable_plugin(community, "listener")
    with app.test_request_context(), tenant_scope(community.id):
        emit("request_closed", request_id=7)
        assert listener.seen == []  # not before the commit
        db.session.commit()
        flush_deliveries()
    assert listener.seen == [("request_closed", {"request_id": 7}, community.id)]


def test_not_delivered_when_the_sender_rolls_back(app, community, enable_plugin, listener):
    enable_plugin(community, "listener")
    with app.test_request_context(), tenant_scope(community.id):
        emit("request_closed", request_id=8)
        db.session.rollback()
        flush_deliveries()
        assert db.session.execute(db.select(DomainEvent)).first() is None
    assert listener.seen == []


def test_not_delivered_to_a_plugin_the_community_has_off(app, community, listener):
    with app.test_request_context(), tenant_scope(community.id):
        emit("request_closed", request_id=9)
        db.session.commit()
        flush_deliveries()
    assert listener.seen == []


@pytest.mark.probe(fail_times=1)
def test_a_failing_handler_is_recorded_and_retried(app, community, enable_plugin, listener):
    app.config["EVENTS_TOLERATE_FAILURES"] = True
    enable_plugin(community, "listener")
    with app.test_request_context(), tenant_scope(community.id):
        emit("hours_approved", hours=3)
        db.session.commit()
        flush_deliveries()  # the handler raises: the sender is not affected
    with app.app_context(), all_tenants():
        failure = db.session.execute(db.select(EventFailure)).scalar_one()
        assert "handler down" in failure.error and failure.resolved_at is None
    result = app.test_cli_runner().invoke(args=["events", "retry"])
    assert "retried 1, still failing 0" in result.output
    assert listener.seen == [("hours_approved", {"hours": 3}, community.id)]
    with app.app_context(), all_tenants():
        assert db.session.execute(db.select(EventFailure)).scalar_one().resolved_at is not None


def _kinds(app) -> list[str]:
    with app.app_context(), all_tenants():
        return sorted(db.session.execute(db.select(Notification.kind)).scalars())


def _failures(app) -> dict[str, bool]:
    """Handler id: whether its failure is resolved."""
    with app.app_context(), all_tenants():
        return {
            f.plugin_id: f.resolved_at is not None
            for f in db.session.execute(db.select(EventFailure)).scalars()
        }


def _delivered(app) -> list[bool]:
    with app.app_context(), all_tenants():
        return [
            e.delivered_at is not None
            for e in db.session.execute(db.select(DomainEvent).order_by(DomainEvent.id)).scalars()
        ]


@pytest.fixture
def everyone_listens(app, community, enable_plugin):
    app.config["EVENTS_TOLERATE_FAILURES"] = True
    for plugin_id in ("broken", "listener", "writer"):
        enable_plugin(community, plugin_id)
    return community


def _notify_and_count_transactions(app, community, member) -> int:
    """Notify ``member`` (core's handler writes the row), deliver; how many transactions
    the delivery took."""
    with app.app_context():
        engine = db.engine
    begun: list[int] = []

    def on_begin(_conn) -> None:
        begun.append(1)

    with app.test_request_context(), tenant_scope(community.id):
        notify([member.id], "core.join_request", "有新申请", "/c/alpha/")
        db.session.commit()
        sa_event.listen(engine, "begin", on_begin)
        try:
            flush_deliveries()
        finally:
            sa_event.remove(engine, "begin", on_begin)
    return len(begun)


@pytest.mark.probe(fail_times=1, write_first=True)
def test_one_transaction_and_a_raising_handler_loses_only_its_own_writes(
    app, everyone_listens, member, listener
):
    assert _notify_and_count_transactions(app, everyone_listens, member) == 1
    # Core's row (before the failures) and the writer's (after them) stay; the listener's
    # row went with its savepoint, and so did the broken handler's at flush.
    assert _kinds(app) == ["core.join_request", "writer"]
    assert _failures(app) == {"broken": False, "listener": False}
    assert _delivered(app) == [True]

    result = app.test_cli_runner().invoke(args=["events", "retry"])
    assert "retried 2, still failing 1" in result.output
    assert _kinds(app) == ["core.join_request", "listener", "writer"]
    assert _failures(app) == {"broken": False, "listener": True}
    assert [name for name, _payload, _tenant in listener.seen] == ["notification"]


@pytest.mark.probe(fail_times=0, write_first=True, commit=True)
def test_a_handler_that_commits_is_refused_and_recorded(app, everyone_listens, member):
    assert _notify_and_count_transactions(app, everyone_listens, member) == 1
    assert _kinds(app) == ["core.join_request", "writer"]  # nothing of the listener's
    with app.app_context(), all_tenants():
        failure = db.session.execute(
            db.select(EventFailure).where(EventFailure.plugin_id == "listener")
        ).scalar_one()
        assert "HandlerCommitted" in failure.error


@pytest.mark.probe(fail_times=0, commit=True)
def test_strict_mode_raises_a_handlers_commit(app, community, enable_plugin, member):
    enable_plugin(community, "listener")
    with pytest.raises(HandlerCommitted):
        _notify_and_count_transactions(app, community, member)


def test_a_delivery_that_does_not_commit_stays_undelivered_for_retry(
    app, everyone_listens, member, monkeypatch
):
    real_commit = Session.commit
    lost = []

    def commit_lost_once(session):
        if not lost and session.info.get("gongzhi_failing_commit"):
            lost.append(1)
            raise OperationalError("COMMIT", {}, Exception("connection lost"))
        return real_commit(session)

    with app.test_request_context(), tenant_scope(everyone_listens.id):
        notify([member.id], "core.join_request", "有新申请", "/c/alpha/")
        db.session.commit()
        monkeypatch.setattr(Session, "commit", commit_lost_once)
        db.session.info["gongzhi_failing_commit"] = True  # the delivery's commit fails
        flush_deliveries()
        db.session.info.pop("gongzhi_failing_commit")
    assert lost and _kinds(app) == [] and _delivered(app) == [False]
    # Every handler is recorded, so a retry runs each again: nothing is lost.
    assert _failures(app) == {"core": False, "broken": False, "listener": False, "writer": False}
    result = app.test_cli_runner().invoke(args=["events", "retry"])
    assert "retried 4, still failing 1" in result.output
    assert _kinds(app) == ["core.join_request", "writer"] and _delivered(app) == [True]


def test_a_rolled_back_savepoint_keeps_the_senders_other_events(
    app, community, enable_plugin, listener
):
    enable_plugin(community, "listener")
    with app.test_request_context(), tenant_scope(community.id):
        emit("kept", n=1)
        try:
            with db.session.begin_nested():  # a plugin isolated by ask_plugins, say
                emit("dropped", n=2)
                raise RuntimeError("plugin down")
        except RuntimeError:
            pass
        db.session.commit()
        flush_deliveries()
    assert [name for name, _payload, _tenant in listener.seen] == ["kept"]
