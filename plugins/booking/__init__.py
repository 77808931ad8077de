"""邻里中心 Neighbourhood-centre bookings: spaces open when residents are free (evenings,
weekends), one room for many uses, booked on-line or at the desk, and the figures that
show the space serves residents."""

from __future__ import annotations

from core.plugin_api import (
    NavItem,
    Permission,
    PluginMeta,
    SettingField,
    hookimpl,
    plugin_settings,
)
from plugins.booking import hookspecs  # noqa: F401  (the host adds them: pm.add_hookspecs)

meta = PluginMeta(
    id="booking",
    version="1.0.0",
    label={"zh_Hans": "邻里中心预约", "en": "Centre bookings"},
    description={
        "zh_Hans": "活动室、排练室、书画室、大讲堂等场地向居民开放预约：晚上和周末可约，"
        "一室多用，线上线下预约，使用情况可统计。",
        "en": "Residents book the centre's rooms, evenings and weekends included: one room "
        "for many uses, on-line or at the desk, with usage figures.",
    },
    api=">=1.4,<2",  # 1.4: PhotoStore, figures for the offices
    order=30,
)


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_Hans": zh, "en": en}


@hookimpl
def register_blueprints():
    from plugins.booking.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission("booking.access", _label("查看场地", "See the spaces")),
        Permission("booking.book", _label("预约场地", "Book a space"), ("member", "staff")),
        Permission(
            "booking.manage",
            _label("管理场地与预约", "Manage spaces and bookings"),
            ("staff",),
        ),
    ]


@hookimpl
def notification_kinds():
    from plugins.booking.workflow import KINDS

    return KINDS


@hookimpl
def settings_schema():
    return [
        SettingField(
            "public_free_slots",
            "bool",
            True,
            _label("公开空闲时段", "Publish free slots"),
            help=_label(
                "未登录的访客也能看到未来一周的空闲时段（不显示姓名）。",
                "Visitors see next week's free slots (no names).",
            ),
        ),
        SettingField(
            "no_show_limit",
            "int",
            3,
            _label("爽约几次暂停预约（0 为不暂停）", "No-shows that pause booking (0 = never)"),
            help=_label(
                "90天内爽约达到次数的居民暂停线上预约，可到前台预约。",
                "Residents with this many no-shows in 90 days book at the desk only.",
            ),
            minimum=0,
            maximum=20,
        ),
        SettingField(
            "reminder_hours",
            "int",
            24,
            _label("提前几小时提醒", "Remind this many hours before"),
            help=_label(
                "由定时任务 flask booking remind 发送。",
                "Sent by the scheduled flask booking remind.",
            ),
            minimum=1,
            maximum=168,
        ),
        SettingField(
            "evening_from",
            "int",
            18,
            _label("晚间开始（时）", "Evening starts at (hour)"),
            minimum=12,
            maximum=23,
        ),
    ]


@hookimpl
def dashboard_widgets():
    from core.plugin_api import Widget

    def render():
        from plugins.booking.widget import widget_html

        return widget_html()

    return [Widget("booking", meta.label, render, order=30)]


@hookimpl
def cli_commands():
    from plugins.booking.cli import booking_cli

    return [booking_cli]


@hookimpl
def nav_items():
    return [
        NavItem("booking.index", _label("场地预约", "Book a room"), order=30),
        NavItem(
            "booking.manage",
            _label("场地管理", "Centre desk"),
            order=31,
            permission="booking.manage",
        ),
    ]


@hookimpl
def public_pages(tenant):
    if not plugin_settings("booking", tenant)["public_free_slots"]:
        return []
    return [
        NavItem("booking.public_free", _label("邻里中心空闲时段", "Free rooms this week"), order=30)
    ]


@hookimpl
def demo_data(tenant, users):
    from plugins.booking.demo import add_demo_bookings

    add_demo_bookings(tenant, users)


@hookimpl
def export_data():
    from core.plugin_api import ExportTable, db
    from plugins.booking.models import Booking, Closure, Organisation, Space

    def iso(value):
        return value.isoformat() if value else ""

    spaces = db.session.execute(db.select(Space).order_by(Space.id)).scalars()
    bookings = db.session.execute(db.select(Booking).order_by(Booking.id)).scalars()
    orgs = db.session.execute(db.select(Organisation).order_by(Organisation.id)).scalars()
    closures = db.session.execute(db.select(Closure).order_by(Closure.id)).scalars()
    return [
        ExportTable(
            "spaces",
            ["id", "name", "capacity", "equipment", "uses", "approval", "active", "fee_fen",
             "slot_minutes", "min_minutes", "max_minutes", "advance_days",
             "weekly_quota_minutes"],
            [(s.id, s.name, s.capacity, s.equipment, s.uses, s.approval, s.active, s.fee_fen,
              s.slot_minutes, s.min_minutes, s.max_minutes, s.advance_days,
              s.weekly_quota_minutes) for s in spaces],
        ),
        ExportTable(
            "bookings",
            ["id", "space_id", "person_id", "person_name", "organisation_id", "starts_at",
             "ends_at", "purpose", "use", "attendees", "status", "channel", "series", "fee_fen",
             "payment", "reason", "attendance", "created_at"],
            [(b.id, b.space_id, b.person_id, b.person_name, b.organisation_id or "",
              iso(b.starts_at), iso(b.ends_at), b.purpose, b.use, b.attendees, b.status,
              b.channel, b.series, b.fee_fen, b.payment, b.reason, b.attendance or "",
              iso(b.created_at)) for b in bookings],
        ),
        ExportTable(
            "organisations",
            ["id", "name", "contact_id", "free", "priority", "active"],
            [(o.id, o.name, o.contact_id or "", o.free, o.priority, o.active) for o in orgs],
        ),
        ExportTable(
            "closures",
            ["id", "space_id", "first_day", "last_day", "reason"],
            [(c.id, c.space_id or "", iso(c.first_day), iso(c.last_day), c.reason)
             for c in closures],
        ),
    ]  # fmt: skip


@hookimpl
def figure_kinds():
    from plugins.booking.office_figures import KINDS

    return KINDS


@hookimpl
def community_figures(tenant, start, end):
    from plugins.booking.office_figures import month_figures

    return month_figures(start, end, tenant.timezone)
