"""Words for the codes the plugin stores (kinds, roles, statuses), in the reader's language."""

from __future__ import annotations

from plugins.committees.i18n import _l

KIND_LABELS = {
    "environment": _l("Environment care"),
    "safety": _l("Public safety"),
    "opinion": _l("Opinion collection"),
    "legal": _l("Legal advice"),
    "assistance": _l("Social assistance"),
    "care": _l("Care for old and young"),
    "youth": _l("Youth care"),
    "other": _l("Other (our own)"),
}
ROLE_LABELS = {
    "convener": _l("Convener"),
    "supervisor": _l("Supervisor"),
    "coordinator": _l("Coordinator"),
    "inspector": _l("Inspector"),
    "member": _l("Member"),
}
STATUS_LABELS = {
    "applied": _l("Applied"),
    "vetted": _l("Vetted"),
    "appointed": _l("Appointed"),
    "rejected": _l("Not chosen"),
    "withdrawn": _l("Withdrawn"),
}
END_LABELS = {
    "": "",
    "term_end": _l("Term ended"),
    "stepped_down": _l("Stepped down"),
}
GROUP_LABELS = {
    "party": _l("Community party committee"),
    "units": _l("Member units"),
    "residents": _l("Resident representatives"),
}
