"""With the requests plugin on, orange matters can go to a committee; its members are told."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Notification
from plugins.requests.models import Request
from tenants.context import all_tenants, tenant_scope
from tests.plugins.committees.committees_helpers import application_id, apply, appoint, set_up
from tests.plugins.requests.requests_helpers import BASE as REQUESTS
from tests.plugins.requests.requests_helpers import category_id, report


@pytest.fixture(autouse=True)
def _uploads_in_tmp(app, tmp_path):
    app.config["REQUESTS_UPLOAD_DIR"] = str(tmp_path / "uploads")


def test_an_orange_matter_goes_to_a_committee_and_its_members_hear(
    app, committees_on, enable_plugin, staff_client, member_client, member, make_user, login
):
    enable_plugin(committees_on, "requests")
    committee_id = set_up(staff_client)
    apply(member_client, committee_id)
    app_id = application_id(app, committees_on, member.id)
    staff_client.post(f"/c/alpha/committees/{committee_id}/applications/{app_id}/vet")
    appoint(staff_client, committee_id, app_id, role="inspector")

    resident = login(make_user("resident@alpha.example", committees_on))
    rid = report(resident, "小区大树枝叶太密，挡光")
    staff_client.post(
        f"{REQUESTS}/{rid}/classify",
        data={"kind": "orange", "category_id": category_id(app, committees_on, "小区树木修剪")},
    )
    page = staff_client.get(f"{REQUESTS}/{rid}").get_data(as_text=True)
    key = f"committees:{committee_id}"
    assert f'value="{key}"' in page and "环境管护专委会" in page
    assert staff_client.post(f"{REQUESTS}/{rid}/assign", data={"assignee": key}).status_code == 302
    with app.app_context(), tenant_scope(committees_on.id):
        req = db.session.get(Request, rid)
        assert (req.owner, req.assignee_key) == ("环境管护专委会", key)
    with app.app_context(), all_tenants():
        told = db.session.execute(
            db.select(Notification.kind, Notification.title).where(
                Notification.user_id == member.id
            )
        ).all()
    assert any(kind == "committees.matter" and "环境管护专委会" in t["zh_Hans"] for kind, t in told)


def test_committees_work_without_the_requests_plugin(committees_on, staff_client):
    committee_id = set_up(staff_client)
    assert staff_client.get(f"/c/alpha/committees/{committee_id}").status_code == 200
    assert staff_client.get("/c/alpha/requests/").status_code == 404
