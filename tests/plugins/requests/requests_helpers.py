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


def bulk_requests(
    app, community, count: int, category_ids=(), requester_id=None, offset: int = 0
) -> None:
    """Insert ``count`` requests in one statement (all kinds, statuses, some overdue), then
    rebuild the ledger counts, as every bulk loader must (plugins/requests/counts.py)."""
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from core.extensions import db
    from tenants.context import tenant_scope

    kinds = ("red", "orange", "yellow", None)
    statuses = ("received", "in_progress", "replied", "closed")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(count):
        created = base + timedelta(hours=7 * i)
        status = statuses[i % 4]
        rows.append(
            {
                "tenant_id": community.id,
                "year": 2026,
                "seq": 10_000 + offset + i,
                "title": f"批量诉求 {i}",
                "details": "",
                "building": f"{i % 12 + 1}栋",
                "grid": f"第{i % 4 + 1}网格",
                "contact_preference": "message",
                "contact_phone": "",
                "anonymous": True,
                "channel": "online",
                "requester_id": requester_id,
                "requester_name": "",
                "category_id": category_ids[i % len(category_ids)] if category_ids else None,
                "kind": kinds[i % 4] if status != "received" else None,
                "status": status,
                "owner": f"单位{i % 5}",
                "office": "",
                "handler": "",
                "assignee_key": "",
                "deadline": created + timedelta(days=3) if i % 3 == 0 else None,
                "reply": "",
                "outcome": "已办结" if status == "closed" else "",
                "created_at": created,
                "received_month": f"{created.year:04d}-{created.month:02d}",
                "first_response_at": created + timedelta(minutes=3)
                if status != "received"
                else None,
                "first_response_seconds": 180 + i % 600 if status != "received" else None,
                "first_response_met": (i % 600) < 120 if status != "received" else None,
                "closed_at": created + timedelta(days=2) if status == "closed" else None,
                "close_seconds": 2 * 86400 + i if status == "closed" else None,
                "closed_how": "accepted" if status == "closed" else None,
                "close_reason": "",
            }
        )
    from plugins.requests import counts

    with app.app_context(), tenant_scope(community.id):
        db.session.execute(sa.insert(Request.__table__), rows)
        counts.rebuild(db.session.connection(), community.id)
        db.session.commit()
