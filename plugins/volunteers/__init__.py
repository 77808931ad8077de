"""志愿积分 Volunteer points: activities, QR check-in, approved hours as points, and the
points shop (积分超市)."""

from __future__ import annotations

from core.plugin_api import (
    ExportTable,
    NavItem,
    NotificationKind,
    Permission,
    PluginMeta,
    Role,
    SettingField,
    Widget,
    db,
    hookimpl,
)
from plugins.volunteers import hookspecs  # noqa: F401  (the host adds them: pm.add_hookspecs)

meta = PluginMeta(
    id="volunteers",
    version="1.0.0",
    label={"zh_Hans": "志愿积分", "en": "Volunteer points"},
    description={
        "zh_Hans": "志愿活动报名、扫码签到签退、时长审核与积分，积分超市兑换，志愿者档案与证明。",
        "en": "Volunteer activities, QR check-in, approved hours earn points, the points "
        "shop, each volunteer's record and certificates.",
    },
    api=">=1.4,<2",  # 1.4: figures for the offices
    order=30,
)


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_Hans": zh, "en": en}


@hookimpl
def register_blueprints():
    from plugins.volunteers.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission("volunteers.access", _label("参与志愿服务", "Volunteer"), ("member", "staff")),
        Permission(
            "volunteers.manage",
            _label(
                "组织活动、审核时长、管理积分超市", "Run activities, review hours, run the shop"
            ),
            ("staff", "volunteers.coordinator"),
        ),
    ]


@hookimpl
def roles():
    return [Role("volunteers.coordinator", _label("志愿服务协调人", "Volunteer coordinator"))]


@hookimpl
def notification_kinds() -> list[NotificationKind]:
    from plugins.volunteers.notifying import KINDS

    return KINDS


@hookimpl
def cli_commands():
    from plugins.volunteers.cli import volunteers_cli

    return [volunteers_cli]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "qr_early_minutes",
            "int",
            30,
            _label("提前签到（分钟）", "Check-in opens (minutes before the start)"),
            minimum=0,
            maximum=720,
        ),
        SettingField(
            "qr_late_minutes",
            "int",
            60,
            _label("结束后可签退（分钟）", "Check-out closes (minutes after the end)"),
            minimum=0,
            maximum=720,
        ),
        SettingField(
            "honours",
            "text",
            "优秀志愿者=20\n社区最美义工=100",
            _label("荣誉称号（称号=小时，每行一个）", "Honours (title=hours, one a line)"),
            help=_label(
                "累计审核通过的服务时长达到即获得该称号。",
                "Earned when a volunteer's approved hours reach the number.",
            ),
            max_length=500,
        ),
        SettingField(
            "points_per_closed_request",
            "int",
            0,
            _label("诉求办结奖励积分", "Points for a resolved request"),
            help=_label(
                "居民反映的诉求办结并经本人验收后，奖励反映人的积分；0 表示不奖励。",
                "Awarded to the resident who reported a request once it is closed and they "
                "accepted the result; 0 turns this off.",
            ),
            minimum=0,
            maximum=1000,
        ),
        SettingField(
            "points_per_yuan",
            "int",
            1,
            _label("预约付费：每元折合积分", "Bookings: points per yuan of a fee"),
            help=_label(
                "启用邻里中心预约时，收费空间可用志愿积分支付；0 表示不接受积分。",
                "With the booking plugin on, a room's fee may be paid in volunteer points; "
                "0 turns this off.",
            ),
            minimum=0,
            maximum=1000,
        ),
        SettingField(
            "per_page", "int", 20, _label("每页条数", "Rows per page"), minimum=5, maximum=200
        ),
    ]


@hookimpl
def nav_items():
    return [
        NavItem("volunteers.index", _label("志愿服务", "Volunteering"), order=30),
        NavItem("volunteers.shop", _label("积分超市", "Points shop"), order=31),
        NavItem(
            "volunteers.review",
            _label("时长审核", "Review hours"),
            order=32,
            permission="volunteers.manage",
        ),
    ]


@hookimpl
def public_pages():
    return [NavItem("volunteers.verify", _label("志愿服务证明查验", "Check a certificate"))]


@hookimpl
def dashboard_widgets():
    def render():
        from plugins.volunteers.views.widget import widget_html

        return widget_html()

    return [Widget("volunteers", meta.label, render, order=30)]


@hookimpl
def on_event(event):
    from plugins.volunteers import answers

    if event.name == "request_referred":
        answers.record_referral(event.payload)
    elif event.name == "request_closed":
        answers.close_need(event.payload)
        answers.reward_resolved_request(event.payload)
    elif event.name == "booking_payment_chosen":
        answers.pay_booking(event.payload)
    elif event.name == "booking_released":
        answers.refund_booking(event.payload)


@hookimpl
def booking_payment_options(tenant, person_id, fee_fen, space_name):
    """The booking plugin's question (its hookspec; answered only where both are on)."""
    from plugins.volunteers import answers

    return answers.booking_payment_options(person_id, fee_fen)


@hookimpl
def request_volunteer_referral():
    from plugins.volunteers import answers

    return answers.referral_teams()


@hookimpl
def volunteers_spend_points(user_id, points, reason, reference):
    from plugins.volunteers import answers

    return answers.move(user_id, points, reason, reference, sign=-1, kind="spend")


@hookimpl
def volunteers_award_points(user_id, points, reason, reference):
    from plugins.volunteers import answers

    return answers.move(user_id, points, reason, reference, sign=1, kind="grant")


@hookimpl
def volunteers_refund_points(entry_id, reason):
    from plugins.volunteers import answers

    return answers.refund(entry_id, reason)


@hookimpl
def volunteers_points_balance(user_id):
    from plugins.volunteers import ledger

    if not isinstance(user_id, int) or isinstance(user_id, bool):
        return {"balance": 0}
    return {"balance": ledger.balance_of(user_id)}


@hookimpl
def export_data():
    from plugins.volunteers.models import Entry, HourLog, Redemption

    def iso(value):
        return value.isoformat() if value else ""

    logs = db.session.execute(db.select(HourLog).order_by(HourLog.id)).scalars()
    entries = db.session.execute(db.select(Entry).order_by(Entry.id)).scalars()
    redemptions = db.session.execute(db.select(Redemption).order_by(Redemption.id)).scalars()
    return [
        ExportTable(
            "hour_logs",
            [
                "id",
                "user_id",
                "activity_id",
                "category_id",
                "source",
                "status",
                "starts_at",
                "ends_at",
                "work_date",
                "minutes",
                "points",
                "note",
                "reason",
            ],
            [
                (
                    x.id,
                    x.user_id,
                    x.activity_id or "",
                    x.category_id,
                    x.source,
                    x.status,
                    iso(x.starts_at),
                    iso(x.ends_at),
                    iso(x.work_date),
                    x.minutes,
                    x.points,
                    x.note,
                    x.reason,
                )
                for x in logs
            ],
        ),
        ExportTable(
            "points_entries",
            ["id", "user_id", "amount", "kind", "reason", "reference", "reverses_id", "created_at"],
            [
                (
                    e.id,
                    e.user_id,
                    e.amount,
                    e.kind,
                    e.reason,
                    e.reference,
                    e.reverses_id or "",
                    iso(e.created_at),
                )
                for e in entries
            ],
        ),
        ExportTable(
            "redemptions",
            ["id", "item_id", "item_name", "user_id", "points", "status", "created_at"],
            [
                (r.id, r.item_id, r.item_name, r.user_id, r.points, r.status, iso(r.created_at))
                for r in redemptions
            ],
        ),
    ]


@hookimpl
def demo_data(tenant, users):
    from plugins.volunteers.demo import add_demo

    add_demo(tenant, users)


@hookimpl
def figure_kinds():
    from plugins.volunteers.office_figures import KINDS

    return KINDS


@hookimpl
def community_figures(tenant, start, end):
    from plugins.volunteers.office_figures import month_figures

    return month_figures(start, end, tenant.timezone)
