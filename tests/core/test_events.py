"""Domain events: delivered after commit, never on rollback, failures kept and retried."""

import types

import pytest

from core.community.events import emit, flush_deliveries
from core.extensions import db
from core.models import DomainEvent, EventFailure
from core.plugin_api import PluginMeta, hookimpl
from tenants.context import all_tenants, tenant_scope


def _listener(fail_times: int):
    module = types.ModuleType("listener_plugin")
    module.meta = PluginMeta(
        id="listener",
        version="1",
        label={"zh_Hans": "听", "en": "Listener"},
        description={"zh_Hans": "", "en": ""},
    )
    module.seen = []
    module.failures_left = fail_times

    @hookimpl
    def on_event(event):
        if module.failures_left > 0:
            module.failures_left -= 1
            raise RuntimeError("handler down")
        module.seen.append((event.name, event.payload, event.tenant_id))

    module.on_event = on_event
    return module


@pytest.fixture
def gongzhi_extra_plugins(request):
    marker = request.node.get_closest_marker("probe")
    return {"listener": _listener(**(marker.kwargs if marker else {"fail_times": 0}))}


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
