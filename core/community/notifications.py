"""Notifications: one call for core and every plugin (``notify``), delivered after commit.

``notify`` only emits a ``notification`` event in the sender's transaction (the outbox),
so a change that rolls back notifies nobody. Its delivery (:func:`deliver`, run by
``core.community.events`` like a plugin's handler, in the event's community and its
delivery transaction) writes one :class:`~core.models.Notification` per recipient who
belongs to the community; once that committed, :func:`send_mails` e-mails those who want
this kind by e-mail when a mail server is configured. Rows carry the event id, so a
retried delivery neither writes a row twice nor mails anyone twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit, urlunsplit

from flask import current_app, has_request_context, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_login import current_user
from werkzeug.routing import BuildError

from core.community.events import emit
from core.extensions import db
from core.models import DomainEvent, Notification, NotificationSetting, User
from core.plugins.gateway import host
from core.plugins.types import Labels, NotificationKind
from core.services.i18n import LANGUAGES, localized
from core.services.mail import mail_configured, send_mail
from core.services.parsing import local_path
from core.services.time import utcnow
from tenants.context import current_community
from tenants.models import JoinRequest, Membership

log = logging.getLogger("gongzhi.notifications")

EVENT = "notification"
CORE_KINDS = (
    NotificationKind(
        "core.join_request", {"zh_Hans": "有人申请加入社区", "en": "Someone asks to join"}
    ),
    NotificationKind(
        "core.join_answer", {"zh_Hans": "我的入住申请结果", "en": "The answer to my join request"}
    ),
    # Platform billing (core/billing): to those holding core.settings.
    NotificationKind(
        "core.billing", {"zh_Hans": "社区的套餐与付费", "en": "The community's plan and payments"}
    ),
)


class UndeclaredNotificationKind(LookupError):
    """``notify`` with a kind nobody declared: a typo people could not choose about."""


def kinds() -> dict[str, NotificationKind]:
    """Every declared kind: core's, then those of the loaded plugins."""
    return {**{k.name: k for k in CORE_KINDS}, **host().notification_kinds}


def in_every_language(text: str | Mapping | LazyString | None) -> Labels:
    """Title or body as labels: a labels dict as given, a ``lazy_gettext`` string rendered
    in each language (so plugins keep using their catalogues), any other text as is."""
    if text is None:
        return {}
    if isinstance(text, Mapping):
        return {str(k): str(v) for k, v in text.items()}
    if isinstance(text, LazyString):
        rendered = {}
        for locale in LANGUAGES:
            with force_locale(locale):
                rendered[locale] = str(text)
        return rendered
    return dict.fromkeys(LANGUAGES, str(text))


def _own_hosts() -> set[str]:
    hosts = {current_app.config.get("SERVER_NAME") or ""}
    hosts.add(urlsplit(current_app.config.get("PUBLIC_URL", "")).netloc)
    if has_request_context():
        hosts.add(request.host)
    return hosts - {""}


def _local_path(link: str) -> str:
    """The link as a path on this site (``url_for`` outside a request gives a full URL of
    this site). The list redirects to it, so another host is refused."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc:
        if parts.scheme not in ("http", "https") or parts.netloc not in _own_hosts():
            raise ValueError(f"notification link must be on this site: {link!r}")
        link = urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    if link and local_path(link) is None:
        raise ValueError(f"notification link must be a path on this site: {link!r}")
    return link


def _site_root() -> str:
    configured = current_app.config.get("PUBLIC_URL", "")
    if configured:
        return configured.rstrip("/")
    return request.host_url.rstrip("/") if has_request_context() else ""


def _settings_url() -> str:
    try:
        return _site_root() + url_for("notifications.settings")
    except (RuntimeError, BuildError):  # no request and no SERVER_NAME: the mail omits it
        return ""


def notify(
    user_ids: Iterable[int | None],
    kind: str,
    title: str | Mapping | LazyString,
    link: str = "",
    body: str | Mapping | LazyString | None = None,
) -> DomainEvent | None:
    """Tell people something in the community in scope, after the current transaction
    commits. Recipients who are not members when it is delivered are left out, and so is
    the person doing it (nobody is told of their own step)."""
    return _emit(user_ids, kind, title, link, body, applicants=False)


def notify_applicant(user_id: int, kind: str, title, link: str = "", body=None):
    """``notify`` that also reaches someone who asked to join and is not (yet) a member:
    only core's answer to a join request uses it."""
    return _emit([user_id], kind, title, link, body, applicants=True)


def _emit(user_ids, kind, title, link, body, *, applicants: bool) -> DomainEvent | None:
    if kind not in kinds():
        raise UndeclaredNotificationKind(f"notification kind {kind!r} is not declared")
    link = _local_path(link or "")
    actor = current_user.id if has_request_context() and current_user.is_authenticated else None
    ids = sorted({int(u) for u in user_ids if u is not None} - {actor})
    if not ids:
        return None
    root = _site_root()
    return emit(
        "notification",  # == EVENT; a literal, so the event catalogue test can read it
        user_ids=ids,
        kind=kind,
        title=in_every_language(title),
        body=in_every_language(body),
        link=link,
        url=root + link if root and link else link,
        settings_url=_settings_url(),
        applicants=applicants,
    )


# ----- delivery (after the sender's commit) -------------------------------------------
def deliver(event: DomainEvent) -> None:
    """Write the rows, in the event's delivery transaction (which commits them); then
    ``send_mails``."""
    payload = event.payload
    wanted = [int(u) for u in payload["user_ids"]]
    allowed = set(
        db.session.execute(
            db.select(Membership.user_id).where(Membership.user_id.in_(wanted))
        ).scalars()
    )
    if payload.get("applicants"):
        allowed |= set(
            db.session.execute(
                db.select(JoinRequest.user_id).where(JoinRequest.user_id.in_(wanted))
            ).scalars()
        )
    done = set(
        db.session.execute(
            db.select(Notification.user_id).where(Notification.event_id == event.id)
        ).scalars()
    )
    for user_id in sorted(allowed - done):
        db.session.add(
            Notification(
                user_id=user_id,
                kind=payload["kind"],
                title=payload["title"],
                body=payload.get("body") or {},
                link=payload.get("link", ""),
                event_id=event.id,
                created_at=event.created_at,
            )
        )


def send_mails(event: DomainEvent) -> None:
    """After the rows committed: the e-mails, each row marked (and committed) once sent,
    so a failure in the middle is retried for the rest only."""
    if mail_configured():
        _send_mails(event)


def email_wanted(user_ids: Iterable[int], kind: str) -> set[int]:
    """Who of ``user_ids`` wants ``kind`` by e-mail (their choice, else the kind's default)."""
    ids = list(user_ids)
    default = kinds()[kind].email if kind in kinds() else False
    chosen = dict(
        db.session.execute(
            db.select(NotificationSetting.user_id, NotificationSetting.by_email).where(
                NotificationSetting.kind == kind, NotificationSetting.user_id.in_(ids)
            )
        ).all()
    )
    return {u for u in ids if chosen.get(u, default)}


def email_kinds(user_id: int) -> set[str]:
    """The kinds a person gets by e-mail (their choices over the kinds' defaults)."""
    chosen = dict(
        db.session.execute(
            db.select(NotificationSetting.kind, NotificationSetting.by_email).where(
                NotificationSetting.user_id == user_id
            )
        ).all()
    )
    return {name for name, kind in kinds().items() if chosen.get(name, kind.email)}


def _send_mails(event: DomainEvent) -> None:
    rows = list(
        db.session.execute(
            db.select(Notification).where(
                Notification.event_id == event.id, Notification.emailed_at.is_(None)
            )
        ).scalars()
    )
    wanted = email_wanted([r.user_id for r in rows], event.payload["kind"])
    community = current_community()
    for row in rows:
        if row.user_id not in wanted:
            continue
        user = db.session.get(User, row.user_id)
        locale = user.locale if user.locale in LANGUAGES else community.default_locale
        subject, text = _mail_text(row, event.payload, community, locale)
        send_mail(user.email, subject, text)  # raises: recorded, retried for the rest
        row.emailed_at = utcnow()
        db.session.commit()


def _mail_text(row: Notification, payload: dict, community, locale: str) -> tuple[str, str]:
    with force_locale(locale):
        title = localized(row.title, locale)
        parts = [title, localized(row.body, locale)]
        if payload.get("url"):
            parts.append(_("Open: %(url)s", url=payload["url"]))
        if payload.get("settings_url"):
            parts.append(
                _("Choose which notifications come by e-mail: %(url)s", url=payload["settings_url"])
            )
        subject = f"{community.name(locale)} · {title}"
    return subject, "\n\n".join(p for p in parts if p) + "\n"


# ----- reading --------------------------------------------------------------------------
def unread_count(user_id: int) -> int:
    """Unread notifications of a person in the community in scope (or every community,
    inside ``all_tenants()``)."""
    return db.session.execute(
        db.select(db.func.count(Notification.id)).where(
            Notification.user_id == user_id, Notification.read_at.is_(None)
        )
    ).scalar_one()


def mine(user_id: int):
    """The select of a person's notifications (in scope), for keyset pagination."""
    return db.select(Notification).where(Notification.user_id == user_id)


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one (or every) unread notification of a person read; returns how many."""
    statement = (
        db.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if notification_id is not None:
        statement = statement.where(Notification.id == notification_id)
    return db.session.execute(statement).rowcount


def set_email_choices(user_id: int, by_email: dict[str, bool]) -> None:
    """Store a person's per-kind e-mail choices (kinds not declared are ignored)."""
    declared = kinds()
    current = {
        s.kind: s
        for s in db.session.execute(
            db.select(NotificationSetting).where(NotificationSetting.user_id == user_id)
        ).scalars()
    }
    for kind, wanted in by_email.items():
        if kind not in declared:
            continue
        if kind in current:
            current[kind].by_email = wanted
        else:
            db.session.add(NotificationSetting(user_id=user_id, kind=kind, by_email=wanted))
