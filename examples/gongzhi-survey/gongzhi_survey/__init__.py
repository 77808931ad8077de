"""民意征集 Residents' opinion polls: the example third-party Gongzhi plugin.

Staff ask a question with a few options, residents vote once each, everyone sees the
result, and closed polls can be published on the community's public page. Written only
against ``core.plugin_api`` (plus Flask, WTForms, SQLAlchemy and Flask-Babel), like any
plugin from outside the platform. docs/plugins.md walks through this code.
"""

from __future__ import annotations

from flask import render_template, url_for
from markupsafe import Markup

from core.plugin_api import (
    ExportTable,
    NavItem,
    Permission,
    PluginMeta,
    SearchResult,
    SettingField,
    Widget,
    db,
    hookimpl,
    plugin_settings,
)

meta = PluginMeta(
    id="survey",
    version="1.0.0",
    label={"zh_Hans": "民意征集", "en": "Opinion polls"},
    description={
        "zh_Hans": "就社区事务征求居民意见：一人一票，结果可公示。",
        "en": "Ask residents about community matters: one vote each, results can be published.",
    },
    api=">=1.3,<2",
    order=40,
)


@hookimpl
def register_blueprints():
    from gongzhi_survey.views import bp

    return [bp]


@hookimpl
def permissions():
    return [
        Permission(
            "survey.access", {"zh_Hans": "查看征集", "en": "See polls"}, ("member", "staff")
        ),
        Permission("survey.vote", {"zh_Hans": "参与投票", "en": "Vote"}, ("member", "staff")),
        Permission(
            "survey.manage",
            {"zh_Hans": "发起与管理征集", "en": "Create and close polls"},
            ("staff",),
        ),
    ]


@hookimpl
def settings_schema():
    return [
        SettingField(
            "public_results",
            "bool",
            True,
            {"zh_Hans": "公示投票结果", "en": "Publish results"},
            help={
                "zh_Hans": "未登录的访客也能在公示页看到标为公开的征集结果。",
                "en": "Visitors who are not signed in see the results of public polls.",
            },
        ),
        SettingField(
            "widget_count",
            "int",
            3,
            {"zh_Hans": "首页显示条数", "en": "Polls on the dashboard"},
            minimum=1,
            maximum=10,
        ),
    ]


@hookimpl
def nav_items():
    return [NavItem("survey.index", meta.label, order=40)]


@hookimpl
def public_pages():
    if not plugin_settings("survey")["public_results"]:
        return []
    return [NavItem("survey.public_index", {"zh_Hans": "征集结果公示", "en": "Poll results"})]


@hookimpl
def dashboard_widgets():
    from gongzhi_survey.models import Poll

    def render():
        polls = db.session.execute(
            db.select(Poll)
            .where(Poll.closed.is_(False))
            .order_by(Poll.id.desc())
            .limit(plugin_settings("survey")["widget_count"])
        ).scalars()
        return Markup(render_template("survey/_widget.html", polls=list(polls)))

    return [Widget("open_polls", {"zh_Hans": "进行中的征集", "en": "Open polls"}, render, order=40)]


@hookimpl
def search(query, limit):
    from gongzhi_survey.models import Poll

    polls = db.session.execute(
        db.select(Poll)
        .where(db.or_(Poll.question.contains(query), Poll.description.contains(query)))
        .order_by(Poll.id.desc())
        .limit(limit)
    ).scalars()
    return [
        SearchResult(
            p.question, url_for("survey.show", poll_id=p.id), p.description[:80], meta.label
        )
        for p in polls
    ]


@hookimpl
def export_data():
    from gongzhi_survey.models import Poll, tally

    polls = list(db.session.execute(db.select(Poll).order_by(Poll.id)).scalars())
    # Ballots are secret: the export has the totals, not who voted for what.
    return [
        ExportTable(
            "polls",
            ["id", "question", "public", "closed", "summary", "created_at"],
            [
                (p.id, p.question, p.public, p.closed, p.summary, p.created_at.isoformat())
                for p in polls
            ],
        ),
        ExportTable(
            "results",
            ["poll_id", "option", "votes"],
            [(p.id, option.label, votes) for p in polls for option, votes in tally(p)],
        ),
    ]


@hookimpl
def on_event(event):
    """When a poll closes, write its one-line result (after the closing commit)."""
    if event.name != "poll_closed":
        return
    from gongzhi_survey.models import Poll, summarize

    poll = db.session.get(Poll, event.payload["poll_id"])
    if poll is not None:
        poll.summary = summarize(poll)  # committed for us after the handler returns


@hookimpl
def demo_data(users):
    from gongzhi_survey.models import Option, Poll, Vote

    poll = Poll(
        question="小区南门是否增设电动自行车集中充电棚？",
        description="物业与业委会拟在南门空地建设充电棚（约 40 个充电位），"
        "费用由使用者按次付费。请各位居民发表意见，征集结果将在公告栏公示。",
        created_by_id=users["staff"].id,
    )
    db.session.add(poll)
    db.session.flush()
    options = [
        Option(poll_id=poll.id, label=label, position=i)
        for i, label in enumerate(["赞成", "反对", "无所谓"], start=1)
    ]
    db.session.add_all(options)
    db.session.flush()
    db.session.add_all(
        [
            Vote(poll_id=poll.id, option_id=options[0].id, user_id=users["member"].id),
            Vote(poll_id=poll.id, option_id=options[0].id, user_id=users["member2"].id),
            Vote(poll_id=poll.id, option_id=options[1].id, user_id=users["staff"].id),
        ]
    )
