"""Street and district offices' pages: their communities' figures side by side.

Reading across communities is explicit here: each view runs inside ``all_tenants()``
(never a community's own scope), reads only ``core.offices.figures`` for the office's own
communities, records the read first, and then reads in a read-only transaction.
"""

from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.extensions import db
from core.offices import access, figures
from core.offices import matters as office_matters
from core.offices.models import Office, OfficeMatter
from core.plugins.types import FigureKind
from core.services.exports import Column, export_response
from core.services.i18n import localized
from core.services.parsing import parse_int, parse_month
from core.services.time import DEFAULT_TIMEZONE
from core.sqlite import writes_on_get
from core.web.forms import OfficeAnswerForm
from core.web.templating import money
from tenants.context import all_tenants

bp = Blueprint("offices", __name__, url_prefix="/o")
TREND_MONTHS = 12
PER_PAGE = 100  # communities per page of an office's table


def _office(slug: str) -> Office:
    office = db.session.execute(db.select(Office).where(Office.slug == slug)).scalar_one_or_none()
    if office is None:
        abort(404)
    return office


def office_view(what: str):
    """Sign-in, the office's account (else 403), all communities in view explicitly, the
    read recorded and committed, then a read-only transaction on PostgreSQL. The view gets
    the office and how many communities are under it."""

    def decorate(view):
        @wraps(view)
        def wrapper(slug: str, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            with all_tenants():
                office = _office(slug)
                if not access.may_read(office):
                    abort(403)
                count = access.count(office)
                access.record_read(office, what, count)
                db.session.commit()
                if request.method == "GET":
                    _read_only()
                return view(office, count, **kwargs)

        # The audit line is written on GET: on SQLite take the write lock at BEGIN.
        return writes_on_get(wrapper)

    return decorate


def _read_only() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(db.text("SET TRANSACTION READ ONLY"))


def _month_arg() -> tuple[date, str | None]:
    """``?month=2026-11`` (default: this month); an unreadable one is an error message."""
    current = figures.this_month(DEFAULT_TIMEZONE)
    raw = request.args.get("month", "").strip()
    if not raw:
        return current, None
    month = parse_month(raw)
    if month is not None:
        return month, None
    return current, _("Give the month as year-month, e.g. 2026-11.")


def show(kind: FigureKind, value: int | None) -> str:
    """A figure as people read it: hours from minutes, yuan from fen, a share in %."""
    if value is None:
        return "–"
    if kind.unit == "minutes":
        hours = f"{value / 60:,.1f}"
        return _("%(hours)s h", hours=hours)
    if kind.unit == "fen":
        return money(value)
    if kind.unit == "permille":
        return f"{value / 10:.1f}%"
    return f"{value:,}"


@bp.route("/")
def index():
    """The offices this person holds (the operator: every office)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    with all_tenants():
        if current_user.is_operator:
            offices = list(db.session.execute(db.select(Office).order_by(Office.name_zh)).scalars())
        else:
            offices = access.offices_of(current_user.id)
        if len(offices) == 1:
            return redirect(url_for("offices.figures_page", slug=offices[0].slug))
        return render_template("offices/index.html", offices=offices)


@bp.route("/<slug>/")
@office_view("figures")
def figures_page(office: Office, count: int):
    month, error = _month_arg()
    kinds = figures.kinds()
    shown, pager = _page_of(office, count)
    first = figures.add_months(month, -(TREND_MONTHS - 1))
    # The office's sums kept per month: the trend, and its last month the total row.
    trend = figures.office_months(office.id, first, month)
    streets = []
    if office.kind == "district":
        streets = (
            db.session.execute(
                db.select(Office).where(Office.parent_id == office.id).order_by(Office.name_zh)
            )
            .scalars()
            .all()
        )
    html = render_template(
        "offices/figures.html",
        office_figure=show,
        office=office,
        communities=shown,
        count=count,
        pager=pager,
        kinds=kinds,
        values=figures.table([c.id for c in shown], month),
        totals=figures.total_row(kinds, trend.get(month, {})),
        trend=trend,
        month=month,
        months=[figures.add_months(month, -n) for n in range(TREND_MONTHS)],
        computed_at=figures.computed_at([c.id for c in shown]),
        streets=streets,
        error=error,
    )
    return html, 422 if error else 200


def _page_of(office: Office, count: int) -> tuple[list, dict]:
    """One page of the office's communities, by name: only that page is loaded, so a page
    costs about the same for 100 or 1,000 communities."""
    pages = max(1, -(-count // PER_PAGE))
    number = min(max(parse_int(request.args.get("page")) or 1, 1), pages)
    shown = access.communities(office, offset=(number - 1) * PER_PAGE, limit=PER_PAGE)
    return shown, {"number": number, "pages": pages}


@bp.route("/<slug>/figures.<any(csv, xlsx):fmt>")
@office_view("export")
def export(office: Office, count: int, fmt: str):
    month, error = _month_arg()
    if error:
        return error, 422
    members = access.communities(office)
    ids = [c.id for c in members]
    kinds = figures.kinds()
    values = figures.table(ids, month)
    columns = [Column(_("Community"), "text", 24), Column(_("Month"), "text", 10)]
    columns += [Column(localized(k.label), "int") for k in kinds]
    stamp = f"{month.year:04d}-{month.month:02d}"
    rows = [[c.name(), stamp, *(values[c.id].get(k.key) for k in kinds)] for c in members]
    name = "-".join((office.name(), _("Figures")))
    return export_response(name, columns, rows, fmt=fmt, key=f"{office.slug}-figures")


@bp.route("/<slug>/communities/<int:community_id>")
@office_view("community")
def community(office: Office, count: int, community_id: int):
    chosen = access.community(office, community_id)
    if chosen is None:  # not this office's: as if it did not exist
        abort(404)
    month, error = _month_arg()
    first = figures.add_months(month, -(TREND_MONTHS - 1))
    html = render_template(
        "offices/community.html",
        office_figure=show,
        office=office,
        chosen=chosen,
        kinds=figures.kinds(),
        trend=figures.community_months(chosen.id, first, month),
        months=[figures.add_months(month, -n) for n in range(TREND_MONTHS)],
        month=month,
        error=error,
    )
    return html, 422 if error else 200


@bp.route("/<slug>/public")
def public(slug: str):
    """The street's page for residents: public figures only, no login."""
    with all_tenants():
        office = _office(slug)
        count = access.count(office)
        _read_only()
        month = figures.this_month(DEFAULT_TIMEZONE)
        kinds = [k for k in figures.kinds() if k.public]
        shown, pager = _page_of(office, count)
        total = figures.office_months(office.id, month, month).get(month, {})
        return render_template(
            "offices/public.html",
            office_figure=show,
            office=office,
            communities=shown,
            count=count,
            pager=pager,
            kinds=kinds,
            values=figures.table([c.id for c in shown], month),
            totals=figures.total_row(kinds, total),
            month=month,
            computed_at=figures.computed_at([c.id for c in shown]),
        )


@bp.route("/<slug>/matters")
@office_view("matters")
def matters(office: Office, count: int):
    """The matters the office's communities sent up: open ones (挂单), then answered."""
    ids = access.community_ids_select(office)
    open_matters = office_matters.listing(ids, "open")
    answered = office_matters.listing(ids, "answered", limit=50)
    return render_template(
        "offices/matters.html",
        office=office,
        open_matters=open_matters,
        answered=answered,
        names=access.names({m.tenant_id for m in open_matters + answered}),
    )


@bp.route("/<slug>/matters/<int:matter_id>", methods=["GET", "POST"])
@office_view("matter")
def matter(office: Office, count: int, matter_id: int):
    found = db.session.get(OfficeMatter, matter_id)
    community = access.community(office, found.tenant_id) if found else None
    if found is None or community is None:  # another office's: as if it did not exist
        abort(404)
    form = OfficeAnswerForm()
    status = 200
    may_answer = found.status == "open" and _may_answer(office)
    if request.method == "POST":
        if not _may_answer(office):
            abort(403)
        if form.validate_on_submit():
            try:
                office_matters.answer(found, office, form.answer.data.strip(), current_user.id)
            except office_matters.AlreadyAnswered:
                flash(_("This matter was answered already."), "error")
                here = url_for("offices.matter", slug=office.slug, matter_id=matter_id)
                return redirect(here, 303)
            flash(_("Answer sent to the community."), "success")
            return redirect(url_for("offices.matters", slug=office.slug), 303)
        status = 422
    return render_template(
        "offices/matter.html",
        office=office,
        matter=found,
        source=community,
        form=form,
        may_answer=may_answer,
    ), status


def _may_answer(office: Office) -> bool:
    """The street office's own accounts answer; a district (or the operator) only looks."""
    return office.kind == "street" and access.holds(office)
