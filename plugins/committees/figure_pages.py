"""The figures page (charts with their tables) and its Excel/CSV (figures.py counts)."""

from __future__ import annotations

from core.plugin_api import ExportColumn, export_response, requires
from plugins.committees.figures import figures
from plugins.committees.i18n import _
from plugins.committees.rendering import render_page
from plugins.committees.scoring import as_points
from plugins.committees.views import bp

COLOURS = 6  # score lines cycle through .cm-line-0 … -5


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@bp.route("/figures")
@requires("committees.manage")
def figures_page():
    f = figures()
    return render_page(
        "committees/figures.html", f=f, points=as_points, yuan=_yuan, colours=COLOURS
    )


def _committee_rows(f):
    return [
        (
            r.name,
            r.members,
            r.assigned if f.requests_on else None,
            r.handled if f.requests_on else None,
            r.open if f.requests_on else None,
            r.answer_hours,
            r.satisfaction,
            r.rewards_fen / 100,
        )
        for r in f.rows
    ]


def _committees_file(fmt: str):
    f = figures()
    columns = [
        ExportColumn(_("Committee"), width=20),
        ExportColumn(_("Members"), "int"),
        ExportColumn(_("Matters assigned"), "int"),
        ExportColumn(_("Matters handled"), "int"),
        ExportColumn(_("Matters open"), "int"),
        ExportColumn(_("Hours to answer (mean)"), "number"),
        ExportColumn(_("Satisfaction (%%)"), "number"),
        ExportColumn(_("Rewards (yuan)"), "number"),
    ]
    return export_response(
        _("Committee figures"), columns, _committee_rows(f), fmt=fmt, key="committee-figures"
    )


def _scores_file(fmt: str):
    f = figures()
    columns = [
        ExportColumn(_("Review round"), width=24),
        *(ExportColumn(r.name, "number") for r in f.rows),
    ]
    rows = [
        (
            review.name,
            *(
                None if r.scores.get(review.id) is None else r.scores[review.id] / 100
                for r in f.rows
            ),
        )
        for review in f.rounds
    ]
    return export_response(
        _("Review scores over time"), columns, rows, fmt=fmt, key="committee-scores"
    )


@bp.route("/figures.csv")
@requires("committees.manage")
def figures_csv():
    return _committees_file("csv")


@bp.route("/figures.xlsx")
@requires("committees.manage")
def figures_xlsx():
    return _committees_file("xlsx")


@bp.route("/figures/scores.csv")
@requires("committees.manage")
def scores_csv():
    return _scores_file("csv")


@bp.route("/figures/scores.xlsx")
@requires("committees.manage")
def scores_xlsx():
    return _scores_file("xlsx")
