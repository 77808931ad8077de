"""on_event: delivered after the sender's commit, never after a rollback, only to plugins
the event's community enabled; a failing handler is recorded and does not block others."""

import pytest
from flask import Blueprint

from core.extensions import db
from core.models import EventFailure
from core.plugin_api import all_tenants, commit, current_tenant_id, emit


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "EVENTS_TOLERATE_FAILURES": True}


def sender_blueprint():
    bp = Blueprint("probe", __name__)

    @bp.route("/emit", methods=["POST"])
    def send():
        emit("probe_happened", n=1)
        commit()
        return "sent"

    @bp.route("/emit-and-roll-back", methods=["POST"])
    def send_and_roll_back():
        emit("probe_happened", n=2)
        db.session.rollback()
        return "rolled back"

    return bp


@pytest.fixture
def gongzhi_extra_plugins(make_probe, calls):
    def on_event(event):
        calls.append((event.name, event.payload, event.tenant_id == current_tenant_id()))

    def failing(event):
        raise RuntimeError("listener failed")

    return {
        "probe": make_probe(register_blueprints=lambda: [sender_blueprint()], on_event=on_event),
        "probe2": make_probe("probe2", on_event=failing),
    }


def handler_calls(calls):
    return [c for c in calls if c != "commit"]


def test_hook_on_event(app, community, other_community, member_client, enable_plugin, commits):
    enable_plugin(community, "probe")
    enable_plugin(community, "probe2")
    commits.clear()

    assert member_client.post("/c/alpha/probe/emit").status_code == 200  # probe2 failing
    delivered = commits.index(("probe_happened", {"n": 1}, True))  # in the event's scope
    assert commits[0] == "commit" and delivered > 0  # the sender committed first
    assert handler_calls(commits) == [("probe_happened", {"n": 1}, True)]

    assert member_client.post("/c/alpha/probe/emit-and-roll-back").status_code == 200
    assert len(handler_calls(commits)) == 1  # rolled back: never delivered

    with app.app_context(), all_tenants():
        failures = db.session.execute(db.select(EventFailure)).scalars().all()
        assert [(f.plugin_id, f.resolved_at) for f in failures] == [("probe2", None)]
        assert "listener failed" in failures[0].error

    # A community that has not enabled the plugin gets no delivery.
    with app.test_request_context():
        from tenants.context import tenant_scope

        with tenant_scope(other_community.id):
            emit("probe_happened", n=3)
            commit()
    assert len(handler_calls(commits)) == 1
