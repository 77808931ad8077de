"""A plugin that fails to answer our questions is skipped; the others still count."""

from __future__ import annotations

import pytest
from requests_helpers import BASE, report

from core.plugin_api import PluginMeta, hookimpl


def _meta(plugin_id: str) -> PluginMeta:
    return PluginMeta(
        id=plugin_id,
        version="1.0.0",
        label={"zh_Hans": plugin_id, "en": plugin_id},
        description={"zh_Hans": "测试", "en": "Test"},
    )


class Broken:
    meta = _meta("broken")

    @hookimpl
    def request_assignees(self, request):
        raise RuntimeError("committees table is gone")

    @hookimpl
    def request_volunteer_referral(self, request):
        raise RuntimeError("volunteers table is gone")


class Helpful:
    meta = _meta("helpful")

    @hookimpl
    def request_volunteer_referral(self, request):
        return [{"key": "helpful:3", "label": "党员志愿服务队", "contact": "每周六上午"}]


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "PLUGINS_STRICT": False}  # failures are logged, not raised


@pytest.fixture
def gongzhi_extra_plugins():
    return {"broken": Broken(), "helpful": Helpful()}


@pytest.fixture
def with_plugins(requests_on, enable_plugin):
    enable_plugin(requests_on, "broken")
    enable_plugin(requests_on, "helpful")


def test_failing_answer_is_skipped(with_plugins, member_client, staff_client, caplog):
    orange = report(member_client, "楼道堆放旧家具")
    staff_client.post(f"{BASE}/{orange}/classify", data={"kind": "orange"})
    page = staff_client.get(f"{BASE}/{orange}")
    assert page.status_code == 200
    # No usable answer: no committee to choose, the member picker is offered instead.
    html = page.get_data(as_text=True)
    assert 'name="member"' in html and 'name="assignee"' not in html

    yellow = report(member_client, "家里水管漏水，想找人修")
    staff_client.post(f"{BASE}/{yellow}/classify", data={"kind": "yellow"})
    page = staff_client.get(f"{BASE}/{yellow}")
    assert page.status_code == 200
    assert 'value="helpful:3"' in page.get_data(as_text=True)
    assert "plugin broken failed in request_volunteer_referral" in caplog.text
