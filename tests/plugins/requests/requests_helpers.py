"""Helpers to drive the requests plugin in tests (imported by the test modules)."""

from __future__ import annotations

import re

from plugins.requests.models import Request

BASE = "/c/alpha/requests"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report(client, title="楼下餐馆油烟直排", **fields):
    """Report as the signed-in resident; returns the new request's id."""
    data = {
        "title": title,
        "building": "3栋2单元",
        "grid": "第二网格",
        "contact_preference": "phone",
        "contact_phone": "138 0000 1234",
        "anonymous": "y",
        **fields,
    }
    response = client.post(f"{BASE}/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/requests/(\d+)$", response.headers["Location"]).group(1))


def load(app, community, request_id: int) -> Request:
    from core.extensions import db
    from tenants.context import tenant_scope

    with app.app_context(), tenant_scope(community.id):
        req = db.session.get(Request, request_id)
        db.session.expunge(req)
        return req


def category_id(app, community, name: str) -> int:
    from core.extensions import db
    from plugins.requests.models import Category
    from tenants.context import tenant_scope

    with app.app_context(), tenant_scope(community.id):
        return db.session.execute(db.select(Category.id).where(Category.name == name)).scalar_one()
