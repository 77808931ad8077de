"""register_blueprints: mounted at /c/<slug>/<id>/, 404 where not enabled, login required."""

import pytest


@pytest.fixture
def gongzhi_extra_plugins(make_probe, make_blueprint):
    return {"probe": make_probe(register_blueprints=lambda: [make_blueprint()])}


def test_hook_register_blueprints(
    app, community, other_community, member, member_client, enable_plugin
):
    assert member_client.get("/c/alpha/probe/").status_code == 404  # not enabled yet
    enable_plugin(community, "probe")

    page = member_client.get("/c/alpha/probe/")
    assert page.status_code == 200
    assert "probe page" in page.get_data(as_text=True)

    anonymous = app.test_client()
    assert anonymous.get("/c/alpha/probe/").status_code == 302  # to the login page
    assert anonymous.get("/c/alpha/probe/open").status_code == 200  # @public opts out

    # Enabled in alpha only: beta answers 404 even on the public route.
    assert anonymous.get("/c/beta/probe/open").status_code == 404
    assert member_client.get("/c/beta/probe/").status_code == 404
