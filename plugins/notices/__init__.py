"""公告栏 Notice board: the smallest complete plugin, and the pattern in docs/plugins.md."""

from __future__ import annotations

from flask import render_template, url_for

from core.plugin_api import (
    ExportTable,
    NavItem,
    Permission,
    PluginMeta,
    SearchResult,
    SettingField,
    Widget,
    db,
    has_permission,
    hookimpl,
    plugin_settings,
)

meta = PluginMeta(
    id="notices",
    version="1.0.0",
    label={"zh_Hans": "公告栏", "en": "Notice board"},
    description={
        "zh_Hans": "发布社区公告，公开公示给居民。",
        "en": "Post community notices and show public ones to every resident.",
    },
    api=">=1.3,<2",
    order=10,
)


@hookimpl
def register_blueprints():
    from plugins.notices.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission(
            "notices.access", {"zh_Hans": "查看公告", "en": "Read notices"}, ("member", "staff")
        ),
        Permission(
            "notices.manage",
            {"zh_Hans": "发布与管理公告", "en": "Post and manage notices"},
            ("staff",),
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "per_page",
            "int",
            20,
            {"zh_Hans": "每页条数", "en": "Notices per page"},
            minimum=5,
            maximum=100,
        ),
        SettingField(
            "public_board",
            "bool",
            True,
            {"zh_Hans": "开放公开公示页", "en": "Open the public board"},
            help={
                "zh_Hans": "未登录的居民也能看到标为公开的公告。",
                "en": "Visitors who are not signed in see notices marked public.",
            },
        ),
        SettingField(
            "widget_count",
            "int",
            3,
            {"zh_Hans": "首页显示条数", "en": "Notices on the dashboard"},
            minimum=1,
            maximum=10,
        ),
    ]


@hookimpl
def nav_items():
    return [NavItem("notices.index", meta.label, order=10)]


@hookimpl
def public_pages():
    if not plugin_settings("notices")["public_board"]:
        return []
    return [NavItem("notices.public_board", {"zh_Hans": "公告公示", "en": "Public notices"})]


@hookimpl
def dashboard_widgets():
    from plugins.notices.models import Notice

    def render():
        count = plugin_settings("notices")["widget_count"]
        notices = (
            db.session.execute(
                db.select(Notice).order_by(Notice.pinned.desc(), Notice.id.desc()).limit(count)
            )
            .scalars()
            .all()
        )
        return render_template("notices/_widget.html", notices=notices)

    return [Widget("latest", {"zh_Hans": "最新公告", "en": "Latest notices"}, render, order=10)]


@hookimpl
def search(query, limit):
    from plugins.notices.models import Notice

    rows = db.session.execute(
        db.select(Notice)
        .where(db.or_(Notice.title.contains(query), Notice.body.contains(query)))
        .order_by(Notice.id.desc())
        .limit(limit)
    ).scalars()
    return [
        SearchResult(n.title, url_for("notices.show", notice_id=n.id), n.body[:80], meta.label)
        for n in rows
    ]


@hookimpl
def export_data():
    from plugins.notices.models import Notice

    rows = db.session.execute(db.select(Notice).order_by(Notice.id)).scalars()
    return [
        ExportTable(
            "notices",
            ["id", "title", "body", "public", "pinned", "created_at"],
            [(n.id, n.title, n.body, n.public, n.pinned, n.created_at.isoformat()) for n in rows],
        )
    ]


def can_manage() -> bool:
    return has_permission("notices.manage")


@hookimpl
def demo_data(users):
    from plugins.notices.models import Notice

    staff = users["staff"].id
    db.session.add_all(
        [
            Notice(
                title="三事分流责任清单已公示",
                pinned=True,
                author_id=staff,
                body="经居民议事会讨论通过的《三事分流责任清单》已在社区公告栏和线上公示，"
                "大事（红色）由政府部门办理，小事（橙色）由社区协商，私事（黄色）由居民自助互助。",
            ),
            Notice(
                title="邻里中心晚间和周末开放",
                author_id=staff,
                body="即日起邻里中心活动室、书法室、大讲堂在工作日 18:00-21:00 及周末开放预约，"
                "社会组织公益活动免费使用。",
            ),
            Notice(
                title="志愿服务积分兑换通知",
                author_id=staff,
                body="本月积分超市开放时间为每周六上午，志愿者可凭积分兑换生活用品。",
            ),
            Notice(
                title="楼栋长工作例会（内部）",
                public=False,
                author_id=staff,
                body="请各网格楼栋长周三下午到社区会议室参加例会。",
            ),
        ]
    )
