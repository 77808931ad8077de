"""Words shown for stored codes. The colour never appears without its word."""

from __future__ import annotations

from plugins.requests.i18n import _l

KIND_LABELS = {
    "red": _l("Red · major matter (大事)"),
    "orange": _l("Orange · community matter (小事)"),
    "yellow": _l("Yellow · private matter (私事)"),
}
KIND_SHORT = {"red": _l("Red 大事"), "orange": _l("Orange 小事"), "yellow": _l("Yellow 私事")}
KIND_OWNER_HINT = {
    "red": _l("Referred to a government department, tracked until answered (挂单销号)."),
    "orange": _l("Consulted in the community, one matter one deliberation (一事一议)."),
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
    "service": _l("Referred to a service"),
    "replied": _l("Replied"),
    "accepted": _l("Accepted by the requester"),
    "rejected": _l("Rejected by the requester, reopened"),
    "unreachable": _l("Closed: requester unreachable"),
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
