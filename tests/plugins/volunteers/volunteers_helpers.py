"""Helpers to drive the volunteers plugin in tests (imported by the test modules)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from core.extensions import db
from core.models import Notification, User
from plugins.volunteers import ledger
from plugins.volunteers.models import (
    Activity,
    Entry,
    HourLog,
    Item,
    ServiceCategory,
    Team,
)
from tenants.context import all_tenants, community_scope, tenant_scope

BASE = "/c/alpha/volunteers"
# 2026-11-28 10:00 in Shanghai (02:00 UTC), a Saturday morning.
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


@dataclass
class Setup:
    category_id: int
    team_id: int
    activity_id: int  # 09:30–12:00 Shanghai on NOW's day (01:30–04:00 UTC)
    item_id: int  # 50 points, stock 2


def make_setup(in_community, community, *, rate=10, multiplier=150, price=50, stock=2) -> Setup:
    with in_community(community):
        category = ServiceCategory(name="助老服务", rate_per_hour=rate, multiplier_pct=multiplier)
        team = Team(name="党员志愿服务队", contact="每周六上午")
        db.session.add_all([category, team])
        db.session.flush()
        activity = Activity(
            title="独居老人上门探访",
            starts_at=NOW - timedelta(minutes=30),
            ends_at=NOW + timedelta(hours=2),
            place="3栋",
            slots=2,
            taken=0,
            category_id=category.id,
            team_id=team.id,
        )
        item = Item(name="东北大米 5kg", price=price, stock=stock)
        db.session.add_all([activity, item])
        db.session.commit()
        return Setup(category.id, team.id, activity.id, item.id)


def grant(in_community, community, user_id: int, points: int) -> None:
    with in_community(community):
        ledger.post(user_id, points, "grant", "test grant")
        db.session.commit()


def balance(app, community, user_id: int) -> int:
    with app.app_context(), tenant_scope(community.id):
        return ledger.balance_of(user_id)


def entries(app, community, user_id: int) -> list[tuple[int, str]]:
    with app.app_context(), tenant_scope(community.id):
        return [
            (e.amount, e.kind)
            for e in db.session.execute(
                sa.select(Entry).where(Entry.user_id == user_id).order_by(Entry.id)
            ).scalars()
        ]


def logs(app, community, user_id: int) -> list[HourLog]:
    with app.app_context(), tenant_scope(community.id):
        rows = list(
            db.session.execute(
                sa.select(HourLog).where(HourLog.user_id == user_id).order_by(HourLog.id)
            ).scalars()
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def stock(app, community, item_id: int) -> int:
    with app.app_context(), tenant_scope(community.id):
        return db.session.execute(sa.select(Item.stock).where(Item.id == item_id)).scalar_one()


def told(app, user_id: int) -> list[tuple[str, str]]:
    with app.app_context(), all_tenants():
        return [
            (n.kind, n.title["zh_Hans"])
            for n in db.session.execute(
                db.select(Notification)
                .where(Notification.user_id == user_id)
                .order_by(Notification.id)
            ).scalars()
        ]


def qr_link(client, activity_id: int) -> str:
    """The check-in link printed on the activity's QR page (as a coordinator)."""
    page = client.get(f"{BASE}/activities/{activity_id}/qr")
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    html = page.get_data(as_text=True)
    assert "<svg" in html
    match = re.search(r'id="vol-qr-link"[^>]*>http://[^/]+(/c/alpha/volunteers/scan/[^<]+)<', html)
    return match.group(1)


def self_report(client, **fields):
    data = {"day": "2026-11-27", "start": "09:00", "hours": "2", "note": "", **fields}
    return client.post(f"{BASE}/hours/new", data=data)


def text(response_or_html) -> str:
    """A page's text without its tags (people's data is wrapped in ``<bdi data-user>``)."""
    html = (
        response_or_html
        if isinstance(response_or_html, str)
        else (response_or_html.get_data(as_text=True))
    )
    return re.sub(r"<[^>]+>", "", html)


def migrated_with_logs(gongzhi_config, tmp_path, logs: list[tuple[str, datetime]]):
    """A SQLite app at ``volunteers_0001`` (before the kept totals) with a community, a
    volunteer and a category, and a 60-minute log of theirs per ``(status, starts)`` (10
    points when approved), then upgraded to the heads: the data migrations fill the
    totals. Returns the app and the community's id; the caller disposes of the engine."""
    from core import create_app
    from core.testing.migrations import old_schema_community

    url = f"sqlite:///{tmp_path}/old.db"
    app = create_app({**gongzhi_config, "SQLALCHEMY_DATABASE_URI": url})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade", "volunteers_0001"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with all_tenants():
            # The schema of that revision: the ORM's Tenant has later columns.
            tenant_id = old_schema_community(db, "old", "老社区", "Old")
            user = User(email="v@old.example", name="志愿者", password_hash="x")
            db.session.add(user)
            db.session.commit()
            user_id = user.id
        with community_scope(tenant_id):
            category = ServiceCategory(name="助老", rate_per_hour=10, multiplier_pct=100)
            db.session.add(category)
            db.session.flush()
            db.session.add_all(
                HourLog(
                    user_id=user_id, category_id=category.id, source="self", status=status,
                    starts_at=starts, ends_at=starts + timedelta(minutes=60),
                    work_date=starts.date(), minutes=60,
                    points=10 if status == "approved" else 0,
                )
                for status, starts in logs
            )  # fmt: skip
            db.session.commit()
    result = runner.invoke(args=["db", "upgrade", "heads"])
    assert result.exit_code == 0, result.output
    return app, tenant_id
