"""专委会 Specialist committees: residents' committees with seats, terms and public pages."""

from __future__ import annotations

from core.plugin_api import (
    ExportTable,
    NavItem,
    NotificationKind,
    Permission,
    PluginMeta,
    SettingField,
    db,
    hookimpl,
)
from plugins.committees import hookspecs  # noqa: F401  (the host adds them: pm.add_hookspecs)

meta = PluginMeta(
    id="committees",
    version="0.1.0",
    label={"zh_Hans": "专委会", "en": "Committees"},
    description={
        "zh_Hans": "居民专委会：自选菜单设立，志愿报名、组织考察、竞聘上岗，委员任期与公开主页。",
        "en": "Residents' specialist committees: set up from a menu, residents apply, staff vet "
        "and appoint for a term; each committee has a public page.",
    },
    api=">=1.5,<2",  # 1.5: offices' templates (a set of committees)
    order=35,
)


def _label(zh: str, en: str) -> dict[str, str]:
    return {"zh_Hans": zh, "en": en}


@hookimpl
def cli_commands():
    from plugins.committees.cli import committees_cli

    return [committees_cli]


@hookimpl
def settings_schema():
    from plugins.committees.rewards import DEFAULT_TIERS

    return [
        SettingField(
            "reward_tiers",
            "str",
            DEFAULT_TIERS,
            _label("以奖代投奖励档次（分数:元）", "Reward tiers (score: yuan)"),
            help=_label(
                "年终评议结果达到某档分数即得该档金额，例如“90:2000, 80:1000, 70:500”。",
                "A year-end result at or above a tier's score earns its amount, e.g. "
                "“90:2000, 80:1000, 70:500”.",
            ),
            max_length=200,
        ),
    ]


@hookimpl
def template_kinds():
    from plugins.committees.set_text import KINDS_OF_TEMPLATES

    return KINDS_OF_TEMPLATES


@hookimpl
def register_blueprints():
    from plugins.committees.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission(
            "committees.access", _label("查看专委会", "See the committees"), ("member", "staff")
        ),
        Permission(
            "committees.apply",
            _label("报名参加专委会", "Apply to a committee"),
            ("member", "staff"),
        ),
        Permission(
            "committees.manage",
            _label("设立专委会、考察与聘任委员", "Set up committees, vet and appoint members"),
            ("staff",),
        ),
    ]


@hookimpl
def notification_kinds():
    return [
        NotificationKind(
            "committees.recruitment",
            _label("我的专委会报名结果与聘任", "My committee application and appointment"),
        ),
        NotificationKind(
            "committees.matter",
            _label("交办给我所在专委会的社区事务", "Matters assigned to my committee"),
        ),
        NotificationKind(
            "committees.assessment",
            _label("请我为专委会评议打分", "Committee reviews I am asked to score"),
        ),
        NotificationKind(
            "committees.application",
            _label("新的专委会报名（工作人员）", "New committee applications (staff)"),
        ),
    ]


@hookimpl
def nav_items():
    return [NavItem("committees.index", meta.label, order=35)]


@hookimpl
def public_pages():
    return [NavItem("committees.public_board", _label("专委会公示", "Committees"), order=35)]


@hookimpl
def export_data():
    from plugins.committees.models import Committee, Seat

    committees = db.session.execute(db.select(Committee).order_by(Committee.id)).scalars()
    seats = db.session.execute(db.select(Seat).order_by(Seat.id)).scalars()
    return [
        ExportTable(
            "committees",
            ["id", "name", "kind", "remit", "contact", "min_seats", "max_seats", "seats_taken"],
            [
                (c.id, c.name, c.kind, c.remit, c.contact, c.min_seats, c.max_seats, c.seats_taken)
                for c in committees
            ],
        ),
        ExportTable(
            "committee_seats",
            ["id", "committee_id", "user_id", "role", "term_start", "term_end", "active"],
            [
                (
                    s.id,
                    s.committee_id,
                    s.user_id,
                    s.role,
                    s.term_start.isoformat(),
                    s.term_end.isoformat(),
                    s.active,
                )
                for s in seats
            ],
        ),
    ]


@hookimpl
def demo_data(tenant, users):
    from plugins.committees.demo import add_demo_committees

    add_demo_committees(tenant, users)


@hookimpl
def request_assignees(tenant, request):
    """With the requests plugin on: community matters (orange) can go to a committee."""
    from plugins.committees.models import Committee

    rows = db.session.execute(db.select(Committee.id, Committee.name).order_by(Committee.id))
    return [
        {"key": f"committees:{committee_id}", "label": name, "order": 50 + n}
        for n, (committee_id, name) in enumerate(rows)
    ]


@hookimpl
def on_event(event):
    """A matter assigned to one of our committees: its sitting members are told. A person
    who leaves the community leaves its committees too: their seats are freed."""
    if event.name == "member_left":
        from plugins.committees.seats import free_seats_of

        free_seats_of(event.payload.get("user_id"))
        return
    if event.name != "request_assigned":
        return
    key = str(event.payload.get("assignee_key", ""))
    if not key.startswith("committees:"):
        return
    from plugins.committees.matters import tell_members

    tell_members(key.removeprefix("committees:"), str(event.payload.get("number", "")))
