"""The ledger: constant query count, filters, figures, chart and exports."""

from __future__ import annotations

import csv
import io

import pytest
from requests_helpers import BASE, bulk_requests, category_id, report

from core.testing import count_statements


@pytest.fixture
def gongzhi_config(gongzhi_config):
    """The page's own cost is measured, not the copy kept for the next view
    (core/web/page_cache.py; tests/plugins/requests/test_kept_pages.py)."""
    return {**gongzhi_config, "PAGE_CACHE_SECONDS": 0}


def _queries_for(app, client, path: str) -> int:
    client.get(path)  # warm caches (plugin settings, translations) the same way each time
    with count_statements(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_ledger_query_count_is_constant_in_the_number_of_requests(
    app, requests_on, staff_client, member
):
    cats = [category_id(app, requests_on, n) for n in ("餐饮油烟", "楼道杂物", "家电维修")]
    bulk_requests(app, requests_on, 10, cats, requester_id=member.id)
    paths = [f"{BASE}/ledger", f"{BASE}/ledger?kind=red&overdue=1", f"{BASE}/ledger?before=500"]
    small = [_queries_for(app, staff_client, p) for p in paths]
    bulk_requests(app, requests_on, 990, cats, requester_id=member.id, offset=10)
    large = [_queries_for(app, staff_client, p) for p in paths]
    assert small == large, (small, large)
    assert max(large) < 25


def test_filters_and_figures(app, requests_on, staff_client, member_client):
    bulk_requests(app, requests_on, 40)
    page = staff_client.get(f"{BASE}/ledger").get_data(as_text=True)
    assert 'id="fig-total">40<' in page
    page = staff_client.get(f"{BASE}/ledger?status=closed").get_data(as_text=True)
    assert 'id="fig-total">10<' in page
    page = staff_client.get(f"{BASE}/ledger?kind=red&status=in_progress").get_data(as_text=True)
    assert 'id="fig-total">' in page and "批量诉求 1<" not in page
    page = staff_client.get(f"{BASE}/ledger?owner=单位3").get_data(as_text=True)
    assert 'id="fig-total">8<' in page
    page = staff_client.get(f"{BASE}/ledger?date_from=2026-01-01&date_to=2026-01-02").get_data(
        as_text=True
    )
    assert 'id="fig-total">6<' in page  # every 7 hours from 08:00 local on 1 January
    # Chart and the table beside it, colours with their words.
    page = staff_client.get(f"{BASE}/ledger").get_data(as_text=True)
    assert "<svg" in page and "<rect" in page and "2026-01" in page
    assert "红色 大事" in page and "橙色 小事" in page and "黄色 私事" in page
    # Empty state.
    page = staff_client.get(f"{BASE}/ledger?owner=nobody").get_data(as_text=True)
    assert "没有符合筛选条件的诉求。" in page


def test_keyset_pagination(app, requests_on, staff_client):
    bulk_requests(app, requests_on, 45)
    first = staff_client.get(f"{BASE}/ledger").get_data(as_text=True)
    assert "批量诉求 44<" in first and "批量诉求 24<" not in first
    assert "before=" in first


def test_csv_and_excel_export_follow_the_filters(app, requests_on, staff_client):
    bulk_requests(app, requests_on, 20)
    r = staff_client.get(f"{BASE}/ledger.csv?status=closed")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0].startswith("编号") and len(rows) == 1 + 5
    assert all(row[2] == "已办结" for row in rows[1:]), rows[:3]
    x = staff_client.get(f"{BASE}/ledger.xlsx")
    assert x.status_code == 200 and x.data[:2] == b"PK"


def test_empty_ledger_and_widget(app, requests_on, staff_client, member_client):
    page = staff_client.get(f"{BASE}/ledger").get_data(as_text=True)
    assert "台账还是空的。" in page
    assert "您还没有反映过问题。" in member_client.get(f"{BASE}/").get_data(as_text=True)
    report(member_client, "楼道灯坏了")
    dash = member_client.get("/c/alpha/").get_data(as_text=True)
    assert "楼道灯坏了" in dash
