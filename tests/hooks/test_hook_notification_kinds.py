"""notification_kinds: declared kinds can be sent with notify and chosen for e-mail;
an undeclared kind is refused, a kind outside the plugin's namespace fails its load."""

import pytest

from core.plugin_api import NotificationKind, commit, notify
from core.plugins.host import PluginLoadError

KIND = NotificationKind("probe.done", {"zh_Hans": "探针完成", "en": "Probe finished"}, email=False)


@pytest.fixture
def gongzhi_extra_plugins(make_probe):
    return {"probe": make_probe(notification_kinds=lambda: [KIND])}


def test_hook_notification_kinds(app, community, enable_plugin, member, login, in_community):
    assert app.extensions["gongzhi.plugins"].notification_kinds["probe.done"] == KIND
    enable_plugin(community, "probe")
    with in_community(community):
        notify([member.id], "probe.done", {"zh_Hans": "完成了", "en": "Done"}, "/c/alpha/")
        commit()  # and deliver
    client = login(member)
    assert "完成了" in client.get("/c/alpha/notifications").get_data(as_text=True)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="probe.done"' in page and "探针完成" in page
    assert 'value="probe.done" checked' not in page  # email=False: off until chosen

    with in_community(community), pytest.raises(LookupError):
        notify([member.id], "probe.undeclared", "x")


def test_a_kind_outside_the_namespace_fails_the_load(make_probe):
    from core.plugins.host import PluginHost

    host = PluginHost(strict=True)
    wrong = NotificationKind("other.done", {"zh_Hans": "别人的", "en": "Someone else's"})
    with pytest.raises(PluginLoadError, match="other.done"):
        host.add("probe", make_probe(notification_kinds=lambda: [wrong]))
