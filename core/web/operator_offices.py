"""The operator sets up street and district offices: their communities and accounts."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from core.extensions import db
from core.models import User
from core.offices import access, figures
from core.offices.models import Office, OfficeCommunity, OfficeMember
from core.services.parsing import parse_id
from core.web.forms import OfficeAccountForm, OfficeCommunityForm, OfficeForm
from core.web.operator import operator_required
from tenants.models import Tenant

bp = Blueprint("operator_offices", __name__, url_prefix="/operator/offices")


def _districts() -> list[Office]:
    return list(
        db.session.execute(
            db.select(Office).where(Office.kind == "district").order_by(Office.name_zh)
        ).scalars()
    )


@bp.route("/", methods=["GET", "POST"])
@operator_required
def index():
    form = OfficeForm()
    form.parent.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(d.id), d.name(), render_kw={"data-user": ""}) for d in _districts()
    ]
    if form.validate_on_submit():
        parent_id = parse_id(form.parent.data) if form.kind.data == "street" else None
        if parent_id is not None and db.session.get(Office, parent_id) is None:
            form.parent.errors.append(_("Choose a district from the list."))
        else:
            office = Office(
                slug=form.slug.data,
                kind=form.kind.data,
                name_zh=form.name_zh.data.strip(),
                name_en=form.name_en.data.strip(),
                parent_id=parent_id,
            )
            db.session.add(office)
            try:
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.slug.errors.append(_("This address is taken."))
            else:
                flash(_("Office created."), "success")
                return redirect(url_for("operator_offices.office", office_id=office.id), 303)
    offices = list(
        db.session.execute(db.select(Office).order_by(Office.kind, Office.name_zh)).scalars()
    )
    status = 422 if request.method == "POST" else 200
    return render_template("operator/offices.html", form=form, offices=offices), status


def _with_district(office: Office) -> list[int]:
    """The offices whose sums change when this street's communities change."""
    return [office.id] + ([office.parent_id] if office.parent_id else [])


def _office_or_404(office_id: int) -> Office:
    office = db.session.get(Office, office_id)
    if office is None:
        abort(404)
    return office


def _office_page(office: Office, status: int = 200, **forms):
    forms.setdefault("community_form", OfficeCommunityForm(prefix="c"))
    forms.setdefault("account_form", OfficeAccountForm(prefix="a"))
    accounts = db.session.execute(
        db.select(OfficeMember, User)
        .join(User, User.id == OfficeMember.user_id)
        .where(OfficeMember.office_id == office.id)
        .order_by(User.email)
    ).all()
    return (
        render_template(
            "operator/office.html",
            office=office,
            communities=access.communities(office),
            accounts=accounts,
            **forms,
        ),
        status,
    )


@bp.route("/<int:office_id>")
@operator_required
def office(office_id: int):
    return _office_page(_office_or_404(office_id))


@bp.route("/<int:office_id>/communities", methods=["POST"])
@operator_required
def add_community(office_id: int):
    office = _office_or_404(office_id)
    form = OfficeCommunityForm(prefix="c")
    if office.kind != "street":
        abort(404)  # a district holds streets, not communities
    if form.validate_on_submit():
        slug = form.community.data.strip().lower()
        tenant = db.session.execute(
            db.select(Tenant).where(Tenant.slug == slug)
        ).scalar_one_or_none()
        if tenant is None:
            form.community.errors.append(_("No community has this web address name."))
        else:
            before = figures.offices_above(tenant.id)  # a move changes the old sums too
            link = db.session.get(OfficeCommunity, tenant.id)
            if link is None:
                db.session.add(OfficeCommunity(community_id=tenant.id, office_id=office.id))
            else:  # a community is under one street: moving it is saying so
                link.office_id = office.id
            db.session.commit()
            figures.refresh_office_totals(sorted({*before, *_with_district(office)}))
            flash(_("%(name)s is now under this office.", name=tenant.name()), "success")
            return redirect(url_for("operator_offices.office", office_id=office.id), 303)
    return _office_page(office, 422, community_form=form)


@bp.route("/<int:office_id>/communities/<int:community_id>/remove", methods=["POST"])
@operator_required
def remove_community(office_id: int, community_id: int):
    office = _office_or_404(office_id)
    link = db.session.get(OfficeCommunity, community_id)
    if link is None or link.office_id != office.id:
        abort(404)
    db.session.delete(link)
    db.session.commit()
    figures.refresh_office_totals(_with_district(office))
    flash(_("The community is no longer under this office."), "success")
    return redirect(url_for("operator_offices.office", office_id=office.id), 303)


@bp.route("/<int:office_id>/accounts", methods=["POST"])
@operator_required
def add_account(office_id: int):
    office = _office_or_404(office_id)
    form = OfficeAccountForm(prefix="a")
    if form.validate_on_submit():
        user = db.session.execute(
            db.select(User).where(User.email == form.email.data.strip().lower())
        ).scalar_one_or_none()
        if user is None:
            form.email.errors.append(
                _("No account has this e-mail address: the person signs up first.")
            )
        else:
            db.session.add(OfficeMember(office_id=office.id, user_id=user.id))
            try:
                db.session.commit()
            except IntegrityError:  # already an account of this office
                db.session.rollback()
            flash(_("%(email)s now sees this office's communities.", email=user.email), "success")
            return redirect(url_for("operator_offices.office", office_id=office.id), 303)
    return _office_page(office, 422, account_form=form)


@bp.route("/<int:office_id>/accounts/<int:member_id>/remove", methods=["POST"])
@operator_required
def remove_account(office_id: int, member_id: int):
    office = _office_or_404(office_id)
    member = db.session.get(OfficeMember, member_id)
    if member is None or member.office_id != office.id:
        abort(404)
    db.session.delete(member)
    db.session.commit()
    flash(_("The account no longer sees this office."), "success")
    return redirect(url_for("operator_offices.office", office_id=office.id), 303)
