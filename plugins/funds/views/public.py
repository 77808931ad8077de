"""The public account (公示), without login: each fund's balance, months and every entry,
and a donor's receipt by its secret link. Donors who chose to stay anonymous appear as
such: their names are never read here."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import abort, request

from core.plugin_api import (
    ExportColumn,
    cached_page,
    db,
    export_response,
    paginate,
    parse_int,
    public,
    render,
)
from plugins.funds.figures import chart_bars, months
from plugins.funds.i18n import _
from plugins.funds.labels import KIND_LABELS
from plugins.funds.models import Fund, Posting
from plugins.funds.views import bp, fund_or_404, settings, today_local

TOKEN = re.compile(r"[0-9a-f]{32}")
# What the public sees of a posting: never donor_name, receipt numbers or who entered it.
PUBLIC_COLUMNS = (
    Posting.id,
    Posting.kind,
    Posting.amount_fen,
    Posting.occurred_on,
    Posting.purpose,
    Posting.counterparty,
    Posting.anonymous,
    Posting.reversal_of_id,
)


def _published() -> None:
    if not settings()["public_page"]:
        abort(404)


def _public_funds() -> list[Fund]:
    return list(
        db.session.execute(
            sa.select(Fund).where(Fund.active.is_(True)).order_by(Fund.id).limit(50)
        ).scalars()
    )


@bp.route("/public")
@cached_page
@public
def public_index():
    _published()
    shown = _public_funds()
    by_fund = months([f.id for f in shown], limit=12)
    return render(
        "funds/public_index.html",
        funds=shown,
        months=by_fund,
        bars={f: chart_bars(rows) for f, rows in by_fund.items()},
        online=bool(settings()["stripe_secret_key"]),
    )


@bp.route("/public/<int:fund_id>")
@cached_page
@public
def public_fund(fund_id: int):
    _published()
    fund = fund_or_404(fund_id)
    if not fund.active:
        abort(404)
    page = paginate(
        sa.select(*PUBLIC_COLUMNS).where(Posting.fund_id == fund.id),
        Posting.id,
        per_page=settings()["per_page"],
    )
    rows = months([fund.id], limit=24)[fund.id]
    return render(
        "funds/public_fund.html",
        fund=fund,
        page=page,
        months=rows,
        bars=chart_bars(rows),
        year=today_local().year,
        online=bool(settings()["stripe_secret_key"]),
    )


def _year() -> int:
    year = parse_int(request.args.get("year"))
    this = today_local().year
    if year is None or not 2000 <= year <= this + 1:
        return this
    return year


def _export(fund_id: int, fmt: str):
    _published()
    fund = fund_or_404(fund_id)
    if not fund.active:
        abort(404)
    year = _year()
    rows = db.session.execute(
        sa.select(*PUBLIC_COLUMNS)
        .where(
            Posting.fund_id == fund.id,
            Posting.occurred_on >= date(year, 1, 1),
            Posting.occurred_on <= date(year, 12, 31),
        )
        .order_by(Posting.occurred_on, Posting.id)
    ).all()
    anonymous = _("Anonymous donor")
    columns = [
        ExportColumn(_("Date"), "date"),
        ExportColumn(_("Kind")),
        ExportColumn(_("Amount"), "money"),
        ExportColumn(_("Purpose"), width=30),
        ExportColumn(_("From or to"), width=20),
    ]
    return export_response(
        f"{fund.name} {year}",
        columns,
        [
            (
                r.occurred_on,
                str(KIND_LABELS[r.kind]),
                r.amount_fen,
                r.purpose,
                anonymous if r.anonymous else r.counterparty,
            )
            for r in rows
        ],
        fmt=fmt,
        key=f"fund-{fund.id}-{year}",
    )


@bp.route("/public/<int:fund_id>/entries.csv")
@public
def public_csv(fund_id: int):
    return _export(fund_id, "csv")


@bp.route("/public/<int:fund_id>/entries.xlsx")
@public
def public_xlsx(fund_id: int):
    return _export(fund_id, "xlsx")


@bp.route("/receipt/<token>")
@public
def public_receipt(token: str):
    if not TOKEN.fullmatch(token):
        abort(404)
    posting = db.session.execute(
        sa.select(Posting).where(Posting.receipt_token == token, Posting.kind == "donation")
    ).scalar_one_or_none()
    if posting is None:
        abort(404)
    fund = db.session.get(Fund, posting.fund_id)
    return render("funds/receipt.html", posting=posting, fund=fund, public_view=True)
