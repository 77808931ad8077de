"""Hostile input on the requests plugin (issue 16): other scripts' digits in cursors and
filters, extreme dates on the ledger and its exports, and a far deadline west of UTC."""

from __future__ import annotations

import io
import zipfile

import pytest
from requests_helpers import BASE, report

ODD = ["②", "²", "①"]  # isdigit() says digits, int() refuses them


@pytest.mark.parametrize("cursor", ODD)
def test_the_anonymous_public_boards_ignore_odd_digits_in_the_cursor(
    app, requests_on, enable_plugin, client, cursor
):
    enable_plugin(requests_on, "notices")
    for board in (f"{BASE}/board", "/c/alpha/notices/public"):
        assert client.get(board, query_string={"before": cursor}).status_code == 200


@pytest.mark.parametrize("cursor", ODD)
def test_the_ledger_and_lists_ignore_odd_digits_in_the_cursor(
    app, requests_on, staff_client, member_client, cursor
):
    report(member_client)
    assert staff_client.get(f"{BASE}/ledger", query_string={"before": cursor}).status_code == 200
    assert member_client.get(f"{BASE}/", query_string={"before": cursor}).status_code == 200


@pytest.mark.parametrize("category", ODD)
def test_a_category_filter_in_odd_digits_is_a_clear_422(app, requests_on, staff_client, category):
    page = staff_client.get(f"{BASE}/ledger", query_string={"category": category})
    assert page.status_code == 422
    assert "没有这个分类" in page.get_data(as_text=True)


EXTREMES = [
    {"date_from": "0001-01-01"},
    {"date_to": "0001-01-01"},
    {"date_from": "9999-12-31"},
    {"date_to": "9999-12-31"},
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
]


@pytest.mark.parametrize("dates", EXTREMES)
def test_extreme_dates_on_the_ledger_are_a_422_with_the_range(
    app, requests_on, staff_client, member_client, dates
):
    report(member_client)
    page = staff_client.get(f"{BASE}/ledger", query_string=dates)
    assert page.status_code == 422
    assert "1900-01-01 至 2999-12-31" in page.get_data(as_text=True)


@pytest.mark.parametrize("dates", EXTREMES)
@pytest.mark.parametrize("export", ["ledger.csv", "ledger.xlsx"])
def test_extreme_dates_on_both_exports_leave_the_filter_out(
    app, requests_on, staff_client, member_client, dates, export
):
    report(member_client, "井盖破损")
    response = staff_client.get(f"{BASE}/{export}", query_string=dates)
    assert response.status_code == 200
    if export.endswith(".csv"):
        assert "井盖破损" in response.get_data(as_text=True)


def test_typed_text_stays_text_in_the_excel_export(app, requests_on, staff_client, member_client):
    report(member_client, '=HYPERLINK("http://evil.example","点此")')
    book = zipfile.ZipFile(io.BytesIO(staff_client.get(f"{BASE}/ledger.xlsx").data))
    text = "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    assert "HYPERLINK" in text and "<f>" not in book.read("xl/worksheets/sheet1.xml").decode()


@pytest.fixture
def west(make_community, make_user, login, enable_plugin):
    """A community west of UTC, with a resident and a staff member."""
    tenant = make_community("west", name_en="West", timezone="America/Los_Angeles")
    enable_plugin(tenant, "requests")
    resident = login(make_user("resident@west.example", tenant, "member"))
    staff = login(make_user("staff@west.example", tenant, "staff"))
    return resident, staff


@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01"])
def test_a_far_deadline_west_of_utc_is_a_clear_422(app, west, deadline):
    resident, staff = west
    response = resident.post(
        "/c/west/requests/new",
        data={"title": "路灯不亮", "building": "东门", "contact_preference": "message"},
    )
    rid = response.headers["Location"].rsplit("/", 1)[1]
    assert staff.post(f"/c/west/requests/{rid}/classify", data={"kind": "red"}).status_code == 302
    refer = staff.post(
        f"/c/west/requests/{rid}/refer",
        data={"department": "区住建局", "handler": "李工", "deadline": deadline},
    )
    assert refer.status_code == 422
    body = refer.get_data(as_text=True)
    assert "1900-01-01 至 2999-12-31" in body and 'value="区住建局"' in body
    assign = staff.post(
        f"/c/west/requests/{rid}/assign", data={"assignee": "x", "deadline": deadline}
    )
    assert assign.status_code in (409, 422)
    # a sensible far deadline still works
    ok = staff.post(
        f"/c/west/requests/{rid}/refer",
        data={"department": "区住建局", "handler": "李工", "deadline": "2999-12-31"},
    )
    assert ok.status_code == 302
