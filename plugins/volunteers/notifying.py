"""Who is told what (through the platform's ``notify``, delivered after the commit)."""

from __future__ import annotations

from flask import has_request_context, url_for

from core.plugin_api import NotificationKind, members_with_permission, notify
from plugins.volunteers.i18n import _l
from plugins.volunteers.points import hours_text

KINDS = [
    NotificationKind(
        "volunteers.hours",
        {"zh_Hans": "我的服务时长已审核", "en": "My hours were reviewed"},
        email=False,
    ),
    NotificationKind(
        "volunteers.activity",
        {"zh_Hans": "我报名的活动有变动", "en": "An activity I signed up for changed"},
    ),
    NotificationKind(
        "volunteers.redemption",
        {"zh_Hans": "我兑换的物品可领取或已取消", "en": "My points-shop redemptions"},
    ),
    NotificationKind(
        "volunteers.review",
        {"zh_Hans": "待审核的服务时长（协调人）", "en": "Hours to review (coordinators)"},
        email=False,
    ),
]


def _link(endpoint: str, **values) -> str:
    return url_for(endpoint, **values) if has_request_context() else ""


def to_review(log) -> None:
    coordinators = [m.user_id for m in members_with_permission("volunteers.manage")]
    notify(
        coordinators,
        "volunteers.review",
        _l("%(hours)s h waiting for review", hours=hours_text(log.minutes)),
        _link("volunteers.review"),
    )


def approved(log) -> None:
    notify(
        [log.user_id],
        "volunteers.hours",
        _l(
            "Your %(hours)s h on %(day)s were approved: +%(points)d points.",
            hours=hours_text(log.minutes),
            day=log.work_date.isoformat(),
            points=log.points,
        ),
        _link("volunteers.me"),
    )


def rejected(log) -> None:
    notify(
        [log.user_id],
        "volunteers.hours",
        _l(
            "Your %(hours)s h on %(day)s were not approved: %(reason)s",
            hours=hours_text(log.minutes),
            day=log.work_date.isoformat(),
            reason=log.reason,
        ),
        _link("volunteers.me"),
    )


def activity_changed(activity, user_ids: list[int], cancelled: bool = False) -> None:
    title = (
        _l("Activity cancelled: %(title)s", title=activity.title)
        if cancelled
        else _l("Activity changed: %(title)s", title=activity.title)
    )
    notify(
        user_ids,
        "volunteers.activity",
        title,
        _link("volunteers.activity", activity_id=activity.id),
    )


def redemption_ready(redemption) -> None:
    notify(
        [redemption.user_id],
        "volunteers.redemption",
        _l("%(item)s is ready for you to collect.", item=redemption.item_name),
        _link("volunteers.shop"),
    )


def redemption_cancelled(redemption) -> None:
    notify(
        [redemption.user_id],
        "volunteers.redemption",
        _l(
            "Your redemption of %(item)s was cancelled; %(points)d points are back.",
            item=redemption.item_name,
            points=redemption.points,
        ),
        _link("volunteers.shop"),
    )
