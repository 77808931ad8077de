"""The plugin's CSS is a static file linked in <head>: inline styles are blocked by the CSP."""

from __future__ import annotations

import re

from requests_helpers import BASE, report

STYLESHEET = "/static/plugins/requests/requests.css"


def test_stylesheet_is_linked_served_and_no_page_has_inline_styles(
    requests_on, client, member_client, staff_client, admin_client
):
    ledger = staff_client.get(f"{BASE}/ledger")
    assert ledger.status_code == 200
    head = ledger.get_data(as_text=True).split("</head>", 1)[0]
    # versioned by content (?v=…): cached for a year, a new URL when it changes
    assert re.search(rf'<link rel="stylesheet" href="{re.escape(STYLESHEET)}\?v=[0-9a-f]+"', head)

    css = client.get(STYLESHEET)
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert ".rq-badge" in css.get_data(as_text=True)

    rid = report(member_client, "楼道灯坏了")
    pages = [
        (member_client, "/"),
        (member_client, "/new"),
        (member_client, f"/{rid}"),
        (staff_client, f"/{rid}"),
        (staff_client, "/desk"),
        (staff_client, "/ledger"),
        (staff_client, "/ledger?date_from=not-a-date"),  # the filter error line (422)
        (client, "/board"),
        (admin_client, "/catalogue"),
        (admin_client, "/catalogue/categories/new"),
        (admin_client, "/catalogue/services/new"),
    ]
    for who, path in pages:
        response = who.get(BASE + path)
        assert response.status_code in (200, 422), path
        html = response.get_data(as_text=True)
        assert STYLESHEET in html, path
        assert not re.search(r"<style[\s>]", html, re.I), path
        assert not re.search(r"""<[^>]+\sstyle=["']""", html[html.find("<main") :]), path
