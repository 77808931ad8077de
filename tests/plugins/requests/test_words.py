"""What the requests plugin stores is data, not words of the language of whoever acted:
a referral's outcome and an assignee read in the language of each page (issue 18)."""

from __future__ import annotations

import re

from requests_helpers import BASE, load, report


def test_a_referral_outcome_is_worded_in_the_readers_language(
    app, requests_on, client, member_client, staff_client
):
    rid = report(member_client, "空调不制冷")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "yellow"})
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    service = re.search(r'<option value="(service:\d+)">([^<]+)</option>', page)
    staff_client.post(f"{BASE}/{rid}/referral", data={"target": service[1]})
    member_client.post(f"{BASE}/{rid}/accept", data={})
    req = load(app, requests_on, rid)
    assert req.status == "closed" and req.outcome == ""  # nothing stored in one language

    export = staff_client.get(f"{BASE}/ledger.csv").get_data(as_text=True)
    assert "已转介给" in export
    chinese = client.get(f"{BASE}/board").get_data(as_text=True)
    assert re.search(r"已转介给<bdi data-user>[^<]+</bdi>", chinese)
    client.post("/lang", data={"locale": "en", "next": "/"})
    english = client.get(f"{BASE}/board")
    assert re.search(r"Referred to <bdi data-user>[^<]+</bdi>", english.get_data(as_text=True))


def test_a_staff_assignee_is_stored_by_name(app, requests_on, member_client, staff_client, staff):
    rid = report(member_client, "楼道堆放旧家具")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "orange"})
    # picked with the member picker (by name): the owner is the name, in no language
    r = staff_client.post(f"{BASE}/{rid}/assign", data={"member": staff.name})
    assert r.status_code == 302
    assert load(app, requests_on, rid).owner == "Alpha Staff"
