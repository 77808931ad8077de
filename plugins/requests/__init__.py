"""诉求 Resident requests with the three-matters triage (三事分流) and the 民情台账 ledger."""

from __future__ import annotations

from datetime import time

from flask import url_for
from flask_login import current_user

from core.plugin_api import (
    ExportTable,
    NavItem,
    NotificationKind,
    Permission,
    PluginMeta,
    SearchResult,
    SettingField,
    Widget,
    db,
    has_permission,
    hookimpl,
    plugin_settings,
    render,
)
from plugins.requests import (
    counts,
    hookspecs,  # noqa: F401  (the host adds them: pm.add_hookspecs)
)
from plugins.requests.models import MAX_CLOSE_TARGET_DAYS

meta = PluginMeta(
    id="requests",
    version="1.0.0",
    label={"zh_Hans": "居民诉求", "en": "Requests"},
    description={
        "zh_Hans": "居民随手拍反映问题，按三事分流（大事红、小事橙、私事黄）办理，"
        "首诉人验收，民情台账与公示。",
        "en": "Residents report matters; staff triage them as red, orange or yellow "
        "(the three-matters triage), the requester checks the result; ledger and public board.",
    },
    api=">=1.4,<2",  # 1.4: PhotoStore, send_to_office, figures for the offices
    order=20,
)


counts.install()  # the ledger counts follow every write to a request


@hookimpl
def cli_commands():
    from plugins.requests.cli import requests_cli

    return [requests_cli]


@hookimpl
def register_blueprints():
    from plugins.requests.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission("requests.access", {"zh_Hans": "使用居民诉求", "en": "Use requests"}),
        Permission(
            "requests.report", {"zh_Hans": "反映诉求", "en": "Report a matter"}, ("member", "staff")
        ),
        Permission(
            "requests.handle",
            {"zh_Hans": "受理与办理诉求", "en": "Take and handle requests"},
            ("staff",),
        ),
        Permission(
            "requests.manage_catalogue",
            {"zh_Hans": "维护责任清单与便民服务目录", "en": "Edit the responsibility list"},
            default_roles=(),
        ),
    ]


@hookimpl
def notification_kinds() -> list[NotificationKind]:
    from plugins.requests.notifying import KINDS

    return KINDS


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_Hans": zh, "en": en}


@hookimpl
def settings_schema():
    return [
        SettingField(
            "first_response_minutes",
            "int",
            5,
            _label("首次响应时限（分钟）", "First response target (minutes)"),
            help=_label("在服务时段内计时，例如“5分钟快速响应”。", "Counted in service hours."),
            minimum=1,
            maximum=1440,
        ),
        SettingField("service_start", "time", time(8, 0), _label("服务开始", "Service from")),
        SettingField("service_end", "time", time(20, 0), _label("服务结束", "Service until")),
        SettingField(
            "work_days_only", "bool", False, _label("仅工作日计时", "Count work days only")
        ),
        SettingField(
            "close_target_days",
            "int",
            7,
            _label("办结目标（天）", "Time-to-close target (days)"),
            minimum=1,
            maximum=MAX_CLOSE_TARGET_DAYS,  # the kept counts are exact up to it
        ),
        SettingField(
            "red_deadline_days",
            "int",
            5,
            _label("大事默认限时（天）", "Default deadline for major matters (days)"),
            minimum=1,
            maximum=365,
        ),
        SettingField(
            "max_photo_mb",
            "int",
            20,
            _label("每张照片最大（MB）", "Largest photo accepted (MB)"),
            help=_label(
                "照片保存前会自动缩小，这里只限制上传的原图。",
                "Photos are scaled down before they are stored; this only limits what is sent.",
            ),
            minimum=1,
            maximum=40,
        ),
        SettingField(
            "per_page",
            "int",
            20,
            _label("台账每页条数", "Ledger rows per page"),
            minimum=5,
            maximum=200,
        ),
        SettingField("public_board", "bool", True, _label("开放办结公示", "Open the public board")),
    ]


@hookimpl
def nav_items():
    return [
        NavItem(
            "requests.index",
            _label("我的诉求", "My requests"),
            order=20,
            permission="requests.report",
        ),
        NavItem(
            "requests.ledger_page",
            _label("民情台账", "Request ledger"),
            order=21,
            permission="requests.handle",
        ),
        NavItem(
            "requests.catalogue",
            _label("责任清单", "Responsibility list"),
            order=22,
            permission="requests.handle",
        ),
    ]


@hookimpl
def public_pages():
    if not plugin_settings("requests")["public_board"]:
        return []
    return [NavItem("requests.board", _label("诉求办结公示", "Closed matters"), order=20)]


@hookimpl
def on_enable(tenant):
    from plugins.requests.catalogue import seed

    seed()


@hookimpl
def dashboard_widgets():
    def render():
        from plugins.requests.views.widgets import widget_html

        return widget_html()

    return [Widget("requests", meta.label, render, order=20)]


@hookimpl
def template_slot(slot):
    # A resident's main action, large at the top of the dashboard (staff have the ledger).
    resident = has_permission("requests.report") and not has_permission("requests.handle")
    if slot == "dashboard_top" and resident:
        return render("requests/_main_action.html")
    return None


@hookimpl
def search(query, limit):
    from plugins.requests.models import Request

    select = db.select(Request).where(
        db.or_(Request.title.contains(query), Request.details.contains(query))
    )
    if not has_permission("requests.handle"):
        select = select.where(Request.requester_id == current_user.id)
    rows = db.session.execute(select.order_by(Request.id.desc()).limit(limit)).scalars()
    return [
        SearchResult(
            f"{r.number} {r.title}",
            url_for("requests.show", request_id=r.id),
            r.details[:80],
            meta.label,
        )
        for r in rows
    ]


@hookimpl
def export_data():
    from plugins.requests.models import Category, Request, Service, Step

    def iso(value):
        return value.isoformat() if value else ""

    requests = db.session.execute(db.select(Request).order_by(Request.id)).scalars()
    steps = db.session.execute(db.select(Step).order_by(Step.id)).scalars()
    categories = db.session.execute(db.select(Category).order_by(Category.id)).scalars()
    services = db.session.execute(db.select(Service).order_by(Service.id)).scalars()
    return [
        ExportTable(
            "requests",
            [
                "id",
                "number",
                "title",
                "details",
                "building",
                "grid",
                "kind",
                "status",
                "category_id",
                "owner",
                "office",
                "handler",
                "deadline",
                "requester_id",
                "requester_name",
                "channel",
                "reply",
                "outcome",
                "created_at",
                "closed_at",
                "closed_how",
                "close_reason",
            ],
            [
                (
                    r.id,
                    r.number,
                    r.title,
                    r.details,
                    r.building,
                    r.grid,
                    r.kind or "",
                    r.status,
                    r.category_id or "",
                    r.owner,
                    r.office,
                    r.handler,
                    iso(r.deadline),
                    r.requester_id or "",
                    r.requester_name,
                    r.channel,
                    r.reply,
                    r.outcome,
                    iso(r.created_at),
                    iso(r.closed_at),
                    r.closed_how or "",
                    r.close_reason,
                )
                for r in requests
            ],
        ),
        ExportTable(
            "request_steps",
            ["id", "request_id", "at", "actor_id", "action", "note"],
            [(s.id, s.request_id, iso(s.at), s.actor_id or "", s.action, s.note) for s in steps],
        ),
        ExportTable(
            "request_categories",
            ["id", "name", "kind", "owner", "keywords", "active"],
            [(c.id, c.name, c.kind, c.owner, c.keywords, c.active) for c in categories],
        ),
        ExportTable(
            "request_services",
            ["id", "field", "name", "phone", "note"],
            [(s.id, s.field, s.name, s.phone, s.note) for s in services],
        ),
    ]


@hookimpl
def figure_kinds():
    from plugins.requests.office_figures import KINDS

    return KINDS


@hookimpl
def community_figures(tenant, start, end):
    from plugins.requests.office_figures import month_figures

    return month_figures(start, end, tenant.timezone)


@hookimpl
def demo_data(tenant, users):
    from plugins.requests.demo import add_demo_requests

    add_demo_requests(tenant, users)


@hookimpl
def requests_assigned_to(tenant, assignee_key):
    """The matters assigned to a committee (or any assignee key), as light records: the
    committees plugin lists its queue with it (see assignees.py)."""
    from plugins.requests.assignees import assigned_to

    return assigned_to(str(assignee_key or ""))


@hookimpl
def requests_assignee_figures(tenant, assignee_keys):
    """Counts per assignee key for the committees' figures (see assignees.figures_for)."""
    from plugins.requests.assignees import figures_for

    return figures_for(list(assignee_keys or []))


@hookimpl
def on_event(event):
    """An assignee answers a community matter or hands it back (assignees.py keeps the
    rules: only an open orange matter still assigned to that key changes); the street
    office answers a 大事 sent up to it (office_answers.py)."""
    from plugins.requests.assignees import EVENTS, follow

    if event.name in EVENTS:
        follow(event.name, dict(event.payload or {}))
    elif event.name == "office_answered":  # the street office answered a referred 大事
        from plugins.requests.office_answers import record

        record(event.payload)


@hookimpl
def template_kinds():
    from plugins.requests.list_templates import template_kind

    return [template_kind()]
