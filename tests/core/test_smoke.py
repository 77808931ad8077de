def test_dashboard_and_notices_for_a_member(app, community, member_client, enable_plugin):
    enable_plugin(community, "notices")
    page = member_client.get("/c/alpha/")
    assert page.status_code == 200
    assert "甲社区" in page.get_data(as_text=True)
    assert member_client.get("/c/alpha/notices/").status_code == 200
