"""Words for the codes the plugin stores (stored as codes, worded when shown)."""

from __future__ import annotations

from plugins.funds.i18n import _l

METHOD_LABELS = {"cash": _l("Cash"), "bank": _l("Bank transfer"), "card": _l("Card on-line")}
APPLICANT_KIND_LABELS = {
    "project": _l("A project"),
    "organisation": _l("A social organisation"),
    "committee": _l("A committee"),
}
GRANT_STATUS_LABELS = {
    "proposed": _l("Proposed"),
    "submitted": _l("Submitted"),
    "reviewed": _l("Reviewed"),
    "approved": _l("Approved"),
    "rejected": _l("Not approved"),
    "disbursed": _l("Paid out"),
}
KIND_LABELS = {
    "donation": _l("Donation"),
    "disbursement": _l("Grant paid"),
    "reversal": _l("Correction"),
}
