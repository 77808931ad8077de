"""The plan is one more input to the plugin gateway (core/plugins/gateway.py): a module
the plan does not allow cannot be switched on, with a message; after a downgrade the
modules above the plan are switched off once the grace period is over, their data kept;
without Stripe keys nothing changes at all."""

from __future__ import annotations

from datetime import timedelta

import billing_support
import pytest
from billing_support import (
    answer_subscription,
    billing_notices,
    days_later,
    post_event,
    set_subscription,
    subscription_of,
)

from core.billing.plans import PlanConfigError, read_plan
from core.billing.subscriptions import enforce_plans
from core.extensions import db
from core.models import AuditEntry
from core.plugins.gateway import gateway
from plugins.notices.models import Notice
from tenants.context import community_scope
from tenants.models import PluginActivation

# The billing set-up's fixtures (billing_support.py), by name for pytest.
gongzhi_config = billing_support.gongzhi_config
gongzhi_extra_plugins = billing_support.gongzhi_extra_plugins
gongzhi_plugins = billing_support.gongzhi_plugins
stripe_http = billing_support.stripe_http


def _toggle(client, plugin_id, on=True, htmx=True):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/c/alpha/settings/modules/{plugin_id}",
        data={"enabled": "1" if on else "0"},
        headers=headers,
    )


def _enforce(app, now):
    """``flask billing enforce`` as cron runs it, at ``now``."""
    with app.app_context():
        return enforce_plans(now)


def _enabled(app, tenant) -> frozenset:
    with app.test_request_context(), community_scope(tenant.id):
        return gateway().enabled


def test_the_default_plan_caps_the_modules_with_a_message(app, community, admin_client):
    assert _toggle(admin_client, "notices").status_code == 200
    refused = _toggle(admin_client, "probea")
    assert refused.status_code == 409
    assert "免费版最多可同时开启 1 个模块" in refused.get_data(as_text=True)
    assert _enabled(app, community) == {"notices"}
    admin_client.post("/lang", data={"locale": "en", "next": "/c/alpha/settings"})
    english = _toggle(admin_client, "probea")
    assert english.status_code == 409
    assert "Free allows one module at a time and it is on" in english.get_data(as_text=True)
    admin_client.post("/lang", data={"locale": "zh_Hans", "next": "/c/alpha/settings"})
    # the settings page says so beside the module, and links to the plan page
    page = admin_client.get("/c/alpha/settings").get_data(as_text=True)
    assert 'data-testid="plan-refusal-probea"' in page


def test_a_module_that_needs_a_paid_plan_is_refused_on_the_free_one(app, community, admin_client):
    response = _toggle(admin_client, "probep")
    assert response.status_code == 409
    assert "需要付费套餐" in response.get_data(as_text=True)
    assert "probep" not in _enabled(app, community)


def test_a_paid_plan_lets_them_on_up_to_its_count(app, community, admin_client):
    set_subscription(app, community, plan_key="standard")
    assert _toggle(admin_client, "notices").status_code == 200
    assert _toggle(admin_client, "probep").status_code == 200
    refused = _toggle(admin_client, "probea")
    assert refused.status_code == 409 and "标准版" in refused.get_data(as_text=True)
    set_subscription(app, community, plan_key="premium")  # no cap
    assert _toggle(admin_client, "probea").status_code == 200
    assert _enabled(app, community) == {"notices", "probep", "probea"}
    # turning one off is never refused
    assert _toggle(admin_client, "probea", on=False).status_code == 200


def test_plans_only_change_their_own_community(
    app, community, other_community, admin_client, make_user, login
):
    set_subscription(app, community, plan_key="premium")
    assert _toggle(admin_client, "probep").status_code == 200
    other_admin = make_user("admin@beta.example", other_community, "admin")
    other = login(other_admin)
    response = other.post("/c/beta/settings/modules/probep", data={"enabled": "1"})
    assert response.status_code in (302, 303, 409)
    assert "probep" not in _enabled(app, other_community)
    assert "probep" in _enabled(app, community)


def test_a_plan_with_a_module_list_allows_only_those():
    plan = read_plan({"key": "basic", "monthly_yuan": 10, "modules": ["notices"]})
    from billing_support import probe_module

    assert plan.allows(probe_module("notices").meta)
    assert not plan.allows(probe_module("probea").meta)
    assert not read_plan({"key": "free"}).allows(probe_module("probep", True).meta)
    assert read_plan({"key": "free"}).allows(probe_module("probea").meta)


@pytest.mark.parametrize(
    "raw",
    [
        {"name_en": "no key"},
        {"key": "x", "monthly_yuan": "-1"},
        {"key": "x", "monthly_yuan": "9.999"},
        {"key": "x", "monthly_yuan": "ten"},
        {"key": "x", "max_modules": "3"},
    ],
)
def test_a_plan_that_cannot_be_read_says_which(raw):
    with pytest.raises(PlanConfigError):
        read_plan(raw)


def test_downgrade_grace_then_switched_off_and_data_kept(
    app,
    client,
    community,
    admin,
    admin_client,
    member,
    enable_plugin,
    stripe_http,
    signed_stripe_event,
):
    set_subscription(app, community, plan_key="premium")
    for plugin_id in ("notices", "probea", "probep"):
        enable_plugin(community, plugin_id)
    with app.test_request_context(), community_scope(community.id):
        db.session.add(Notice(title="停水通知", body="明天停水", public=True))
        db.session.commit()
    # Stripe says the subscription ended: back to the free plan (1 module)
    answer_subscription(stripe_http, community.id, status="canceled", price="price_pre_m")
    deleted = signed_stripe_event("customer.subscription.deleted", {"id": "sub_1"})
    assert post_event(client, deleted).status_code == 200
    row = subscription_of(app, community)
    assert row.status == "canceled" and row.over_plan_since is not None
    page = admin_client.get("/c/alpha/billing/").get_data(as_text=True)
    assert "14" in page and "免费版" in page
    told = billing_notices(app, admin.id)
    assert len(told) == 1 and "no longer covers" in told[0]
    assert billing_notices(app, member.id) == []
    # within the grace period everything stays on
    assert _enforce(app, days_later(13)) == []
    assert _enabled(app, community) == {"notices", "probea", "probep"}
    # after it, the modules above the plan go off; the first one switched on stays
    switched = _enforce(app, days_later(15))
    assert sorted(switched) == [("alpha", "probea"), ("alpha", "probep")]
    assert _enabled(app, community) == {"notices"}
    assert subscription_of(app, community).over_plan_since is None
    assert "were switched off" in billing_notices(app, admin.id)[-1]
    with app.test_request_context(), community_scope(community.id):
        activations = db.session.execute(db.select(PluginActivation)).scalars().all()
        assert {a.plugin_id: a.enabled for a in activations} == {
            "notices": True,
            "probea": False,
            "probep": False,
        }
        reasons = db.session.execute(
            db.select(AuditEntry.target).where(AuditEntry.action == "plugin.disabled")
        ).scalars()
        assert sorted(reasons) == ["probea", "probep"]
    # a module switched off keeps its data: notices above the plan would keep theirs too
    enable_plugin(community, "notices")
    assert "停水通知" in admin_client.get("/c/alpha/notices/").get_data(as_text=True)
    assert _enforce(app, days_later(30)) == []


def test_data_of_a_module_switched_off_for_the_plan_is_kept(
    app, community, admin_client, enable_plugin
):
    set_subscription(app, community, plan_key="premium")
    enable_plugin(community, "probea")
    enable_plugin(community, "notices")
    with app.test_request_context(), community_scope(community.id):
        db.session.add(Notice(title="停电通知", body="周五停电", public=True))
        db.session.commit()
    set_subscription(app, community, status="canceled")
    assert _enforce(app, days_later(0)) == []  # the grace period starts
    assert _enforce(app, days_later(15)) == [("alpha", "notices")]
    with app.test_request_context(), community_scope(community.id):
        assert db.session.execute(db.select(Notice.title)).scalars().all() == ["停电通知"]
    set_subscription(app, community, status="active", plan_key="premium")
    assert _toggle(admin_client, "notices").status_code == 200
    assert "停电通知" in admin_client.get("/c/alpha/notices/").get_data(as_text=True)


def test_a_payment_past_due_keeps_the_plan_for_its_days_then_the_grace_starts(
    app, community, enable_plugin
):
    set_subscription(app, community, plan_key="standard", status="past_due")
    enable_plugin(community, "notices")
    enable_plugin(community, "probea")
    with app.app_context(), community_scope(community.id):
        from core.models import Subscription

        row = db.session.execute(db.select(Subscription)).scalar_one()
        row.past_due_since = days_later(-8)
        db.session.commit()
    with app.test_request_context(), community_scope(community.id):
        assert gateway().plan.key == "free"
    assert _enforce(app, days_later(0)) == []
    assert subscription_of(app, community).over_plan_since is not None
    assert _enforce(app, days_later(15)) == [("alpha", "probea")]


def test_without_stripe_keys_every_module_is_available(app, community, admin_client):
    app.config["STRIPE_SECRET_KEY"] = ""
    for plugin_id in ("notices", "probea", "probep"):
        assert _toggle(admin_client, plugin_id).status_code == 200
    assert _enabled(app, community) == {"notices", "probea", "probep"}
    with app.test_request_context(), community_scope(community.id):
        gw = gateway()
        assert gw.plan is None and gw.subscription is None
        assert gw.modules_above_plan() == [] and gw.plan_refusal("probep") is None
    assert _enforce(app, days_later(100)) == []
    page = admin_client.get("/c/alpha/billing/")
    assert page.status_code == 200 and 'data-testid="billing-off"' in page.get_data(as_text=True)
    assert "billing-link" not in admin_client.get("/c/alpha/settings").get_data(as_text=True)
    assert admin_client.post("/c/alpha/billing/plan", data={"plan": "standard"}).status_code == 404


def test_the_grace_period_is_the_operators(app, community, enable_plugin):
    app.config["BILLING_GRACE_DAYS"] = 3
    enable_plugin(community, "notices")
    enable_plugin(community, "probea")
    assert _enforce(app, days_later(0)) == []
    assert _enforce(app, days_later(0) + timedelta(days=3, minutes=1)) == [("alpha", "probea")]


def test_the_enforce_command_runs(app, community, enable_plugin):
    enable_plugin(community, "notices")
    enable_plugin(community, "probea")
    result = app.test_cli_runner().invoke(args=["billing", "enforce"])
    assert result.exit_code == 0, result.output
    assert "switched off 0 modules" in result.output
    assert subscription_of(app, community).over_plan_since is not None
