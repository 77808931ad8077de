"""Words for stored values, in the page's language."""

from __future__ import annotations

from plugins.salaries.i18n import _l
from plugins.salaries.models import AREAS

POST_LABELS = {
    "secretary": _l("Party secretary"),
    "director": _l("Residents' committee director"),
    "deputy": _l("Deputy"),
    "worker": _l("Full-time worker"),
}
AREA_LABELS = dict(zip(AREAS, (_l("city community"), _l("town community")), strict=True))
CERTIFICATE_LABELS = {
    "": _l("none"),
    "junior": _l("junior social worker"),
    "intermediate": _l("intermediate social worker"),
}
ITEM_KIND_LABELS = {"allowance": _l("allowance"), "deduction": _l("deduction")}
STATUS_LABELS = {
    "draft": _l("draft"),
    "reviewed": _l("waiting for approval"),
    "approved": _l("approved (locked)"),
}
RUN_KIND_LABELS = {"regular": _l("monthly run"), "adjusting": _l("adjusting run")}


def line_label(line: dict) -> str:
    """A payslip line in words, in the page's language (item names as typed)."""
    from plugins.salaries.i18n import _

    code, label = line["code"], line["label"]
    if code == "base":
        return _("Base pay")
    if code == "seniority":
        return _("Seniority (%(years)s years)", years=label)
    if code == "certificate":
        return _("Certificate allowance (%(kind)s)", kind=CERTIFICATE_LABELS.get(label, label))
    if code == "appraisal":
        score, _sep, percent = label.partition(":")
        return _("Appraisal: score %(score)s, %(percent)s%% of base", score=score, percent=percent)
    return label
