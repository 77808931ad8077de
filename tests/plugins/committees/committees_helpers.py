"""Steps the committee tests share: set up, apply, vet, appoint through the pages."""

from __future__ import annotations

from core.extensions import db
from plugins.committees.models import Application, Committee, Seat
from tenants.context import tenant_scope

BASE = "/c/alpha/committees"


def set_up(client, **data) -> int:
    form = {
        "kind": "environment",
        "name": "环境管护专委会",
        "remit": "小区环境卫生与绿化管护",
        "contact": "社区活动室",
        "schedule": "每月第一个周二",
        "min_seats": "1",
        "max_seats": "3",
        **data,
    }
    response = client.post(f"{BASE}/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def apply(client, committee_id: int, statement: str = "愿意为小区环境出力"):
    return client.post(f"{BASE}/{committee_id}/apply", data={"statement": statement})


def application_id(app, community, user_id: int) -> int:
    with app.app_context(), tenant_scope(community.id):
        return (
            db.session.execute(
                db.select(Application.id)
                .where(Application.user_id == user_id)
                .order_by(Application.id.desc())
            )
            .scalars()
            .first()
        )


def appoint(client, committee_id: int, app_id: int, role: str = "member", **data):
    form = {"role": role, "term_start": "2026-07-01", "term_end": "2029-06-30", **data}
    return client.post(f"{BASE}/{committee_id}/applications/{app_id}/appoint", data=form)


def committee_row(app, community, committee_id: int) -> Committee:
    with app.app_context(), tenant_scope(community.id):
        committee = db.session.get(Committee, committee_id)
        db.session.expunge(committee)
        return committee


def active_seats(app, community, committee_id: int) -> list[tuple[int, str]]:
    with app.app_context(), tenant_scope(community.id):
        return [
            tuple(row)
            for row in db.session.execute(
                db.select(Seat.user_id, Seat.role)
                .where(Seat.committee_id == committee_id, Seat.active_key == 1)
                .order_by(Seat.id)
            )
        ]


def told(app, user_id: int) -> list[tuple[str, str]]:
    """(kind, Chinese title) of the notifications a person got, oldest first."""
    from core.models import Notification
    from tenants.context import all_tenants

    with app.app_context(), all_tenants():
        return [
            (n.kind, n.title["zh_Hans"])
            for n in db.session.execute(
                db.select(Notification)
                .where(Notification.user_id == user_id)
                .order_by(Notification.id)
            ).scalars()
        ]


def open_round(client, **data) -> int:
    form = {
        "name": "2026年上半年述职评议",
        "weight_party": "40",
        "weight_units": "30",
        "weight_residents": "30",
        "criteria": "工作成效 40\n群众满意度 60",
        **data,
    }
    response = client.post(f"{BASE}/reviews/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def criteria_ids(app, community, review_id: int) -> list[int]:
    from plugins.committees.models import Criterion

    with app.app_context(), tenant_scope(community.id):
        return (
            db.session.execute(
                db.select(Criterion.id)
                .where(Criterion.review_id == review_id)
                .order_by(Criterion.id)
            )
            .scalars()
            .all()
        )


def paper_sheet(client, review_id, crit, committee_id, group, assessor, *points):
    data = {"committee": str(committee_id), "assessor_group": group, "assessor": assessor}
    data.update({f"c{c}": p for c, p in zip(crit, points, strict=True)})
    return client.post(f"{BASE}/reviews/{review_id}/sheets", data=data)
