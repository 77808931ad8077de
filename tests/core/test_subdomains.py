"""TENANT_SUBDOMAINS: ``alpha.<SERVER_NAME>/…`` reaches the same routes as ``/c/alpha/…``."""

import pytest


@pytest.fixture
def gongzhi_config(gongzhi_config):
    return {**gongzhi_config, "TENANT_SUBDOMAINS": True, "SERVER_NAME": "gongzhi.example"}


def test_a_community_subdomain_serves_its_pages(app, community, member, enable_plugin):
    enable_plugin(community, "notices")
    client = app.test_client()
    client.post(  # signed in on the bare domain, known on every community's subdomain
        "/login",
        data={"email": member.email, "password": "correct horse battery"},
        base_url="http://gongzhi.example",
    )
    page = client.get("/notices/public", base_url="http://alpha.gongzhi.example")
    assert page.status_code == 200 and "甲社区" in page.get_data(as_text=True)
    dashboard = client.get("/", base_url="http://alpha.gongzhi.example")
    assert dashboard.status_code == 200 and "首页" in dashboard.get_data(as_text=True)


def test_the_bare_domain_and_unknown_subdomains(app, community, client):
    assert client.get("/login", base_url="http://gongzhi.example").status_code == 200
    assert client.get("/", base_url="http://nowhere.gongzhi.example").status_code == 404
