"""Words shown for stored codes. The colour never appears without its word."""

from __future__ import annotations

from markupsafe import Markup, escape

from plugins.requests.i18n import _, _l

KIND_LABELS = {
    "red": _l("Red · major matter"),
    "orange": _l("Orange · community matter"),
    "yellow": _l("Yellow · private matter"),
}
KIND_SHORT = {
    "red": _l("Red · major"),
    "orange": _l("Orange · minor"),
    "yellow": _l("Yellow · private"),
}
KIND_OWNER_HINT = {
    "red": _l("Referred to a government department, tracked until answered."),
    "orange": _l("Consulted in the community: one matter, one deliberation."),
    "yellow": _l("Self-help or mutual aid: service directory or volunteers."),
}
STATUS_LABELS = {
    "received": _l("Received"),
    "in_progress": _l("Being handled"),
    "replied": _l("Replied, awaiting your check"),
    "closed": _l("Closed"),
}
ACTION_LABELS = {
    "received": _l("Received"),
    "classified": _l("Classified"),
    "referred": _l("Referred to a department"),
    "assigned": _l("Assigned"),
    "deliberated": _l("Deliberation recorded"),
    "handed_back": _l("Handed back by the committee"),
    "service": _l("Referred to a service"),
    "replied": _l("Replied"),
    "accepted": _l("Accepted by the requester"),
    "rejected": _l("Rejected by the requester, reopened"),
    "unreachable": _l("Closed: requester unreachable"),
    "office_answered": _l("Answered by the street office"),
}
CONTACT_LABELS = {
    "message": _l("Reply here in the app"),
    "phone": _l("Call me"),
    "visit": _l("Visit me"),
    "none": _l("No contact needed"),
}
CHANNEL_LABELS = {"online": _l("Online"), "desk": _l("At the desk"), "phone": _l("By phone")}
CLOSED_HOW_LABELS = {
    "accepted": _l("Accepted by the requester"),
    "unreachable": _l("Closed without check: requester unreachable"),
}


def _referred(kind: str | None, assignee_key: str, owner: str) -> bool:
    # A private matter referred to a service or volunteers (refer_to_service) stores no
    # outcome text: it is worded here, in the reader's language.
    return kind == "yellow" and bool(assignee_key) and bool(owner)


def outcome_text(outcome: str, kind: str | None, assignee_key: str, owner: str) -> str:
    """The outcome for the public board and exports, as plain text."""
    if outcome:
        return outcome
    return _("Referred to %(label)s", label=owner) if _referred(kind, assignee_key, owner) else ""


def outcome_html(outcome: str, kind: str | None, assignee_key: str, owner: str) -> Markup:
    """The same for a page: what staff typed is marked as data (``data-user``)."""
    if outcome:
        return Markup("<bdi data-user>%s</bdi>") % outcome
    if _referred(kind, assignee_key, owner):
        words = Markup(escape(_("Referred to %(label)s")))
        return words % {"label": Markup("<bdi data-user>%s</bdi>") % owner}
    return Markup("")
