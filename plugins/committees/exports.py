"""Excel/CSV: the members of every committee, and a review round's results."""

from __future__ import annotations

from core.plugin_api import ExportColumn, db, export_response, requires
from plugins.committees.i18n import _
from plugins.committees.labels import GROUP_LABELS, ROLE_LABELS
from plugins.committees.models import Committee, Seat
from plugins.committees.reviews import _results, review_or_404
from plugins.committees.views import bp


@bp.route("/members.csv")
@requires("committees.manage")
def members_csv():
    return _members("csv")


@bp.route("/members.xlsx")
@requires("committees.manage")
def members_xlsx():
    return _members("xlsx")


def _members(fmt: str):
    rows = db.session.execute(
        db.select(Committee.name, Seat.name, Seat.role, Seat.term_start, Seat.term_end)
        .join(Committee, Committee.id == Seat.committee_id)
        .where(Seat.active_key == 1)
        .order_by(Committee.id, Seat.id)
    ).all()
    columns = [
        ExportColumn(_("Committee"), width=20),
        ExportColumn(_("Name"), width=14),
        ExportColumn(_("Role")),
        ExportColumn(_("Term starts"), "date"),
        ExportColumn(_("Term ends"), "date"),
    ]
    return export_response(
        _("Committee members"),
        columns,
        [(c, n, str(ROLE_LABELS[r]), s, e) for c, n, r, s, e in rows],
        fmt=fmt,
        key="committee-members",
    )


def _points(value: int | None) -> float | None:
    return None if value is None else value / 100


@bp.route("/reviews/<int:review_id>/results.csv")
@requires("committees.access")
def results_csv(review_id: int):
    return _results_file(review_id, "csv")


@bp.route("/reviews/<int:review_id>/results.xlsx")
@requires("committees.access")
def results_xlsx(review_id: int):
    return _results_file(review_id, "xlsx")


def _results_file(review_id: int, fmt: str):
    review = review_or_404(review_id, published_only=True)
    columns = [
        ExportColumn(_("Committee"), width=20),
        ExportColumn(_("Result"), "number"),
        *(ExportColumn(str(GROUP_LABELS[g]), "number") for g in ("party", "units", "residents")),
        ExportColumn(_("Sheets"), "int"),
    ]
    return export_response(
        review.name,
        columns,
        [
            (
                r.committee_name,
                _points(r.total),
                _points(r.party),
                _points(r.units),
                _points(r.residents),
                r.sheets,
            )
            for r in _results(review)
        ],
        fmt=fmt,
        key="committee-review",
    )
