"""Committee pages: the list, each committee's page, recruitment steps, the public board."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.plugin_api import (
    audit,
    commit,
    current_tenant,
    db,
    has_permission,
    members_with_permission,
    notify,
    paginate,
    public,
    requires,
    to_local,
    utcnow,
)
from plugins.committees import office_set, seats
from plugins.committees.forms import ApplyForm, AppointForm, CommitteeForm
from plugins.committees.i18n import _, _l
from plugins.committees.models import (
    OPEN_STATUSES,
    ROLES,
    Application,
    Committee,
    Decision,
    Meeting,
    Reward,
    Seat,
)
from plugins.committees.rendering import render_page

# import_name is the plugin package, so "templates" is plugins/committees/templates.
bp = Blueprint("committees", "plugins.committees", template_folder="templates")

MESSAGES = {
    "already_member": _l("This person already holds a seat on this committee."),
    "already_applied": _l("You have already applied; staff will be in touch."),
    "not_open": _l("This application has already been decided."),
    "full": _l("Every seat on this committee is taken: end a term first or raise the maximum."),
    "bad_term": _l("The term cannot end before it starts."),
    "seat_ended": _l("This seat has already been given up."),
    "below_taken": _l("More members hold seats than that maximum: end a term first."),
}


def can_manage() -> bool:
    return has_permission("committees.manage")


def today() -> date:
    return to_local(utcnow(), current_tenant().timezone).date()


def committee_or_404(committee_id: int) -> Committee:
    committee = db.session.execute(
        db.select(Committee).where(Committee.id == committee_id)
    ).scalar_one_or_none()
    if committee is None:
        abort(404)
    return committee


def application_or_404(committee: Committee, application_id: int) -> Application:
    application = db.session.execute(
        db.select(Application).where(
            Application.id == application_id, Application.committee_id == committee.id
        )
    ).scalar_one_or_none()
    if application is None:
        abort(404)
    return application


def seat_or_404(committee: Committee, seat_id: int) -> Seat:
    seat = db.session.execute(
        db.select(Seat).where(Seat.id == seat_id, Seat.committee_id == committee.id)
    ).scalar_one_or_none()
    if seat is None:
        abort(404)
    return seat


@bp.route("/")
def index():
    page = paginate(db.select(Committee), Committee.id, per_page=30)
    manager = can_manage()
    return render_page("committees/index.html", page=page, can_manage=manager,
                       adoption=office_set.adoption() if manager else None)  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@requires("committees.manage")
def create():
    form = CommitteeForm()
    if form.validate_on_submit():
        committee = Committee()
        form.populate_obj(committee)
        if _name_taken(committee.name):
            form.name.errors.append(_("A committee with this name exists already."))
        else:
            db.session.add(committee)
            db.session.flush()
            audit("committees.created", committee.name)
            commit()
            flash(_("Committee set up."), "success")
            return redirect(url_for("committees.show", committee_id=committee.id))
    status = 422 if request.method == "POST" else 200
    return render_page("committees/form.html", form=form, committee=None,
                       office_sets=office_set.offered(),
                       adoption=office_set.adoption()), status  # fmt: skip


def _name_taken(name: str, but: int | None = None) -> bool:
    select = db.select(Committee.id).where(Committee.name == name)
    if but is not None:
        select = select.where(Committee.id != but)
    return db.session.execute(select).first() is not None


@bp.route("/<int:committee_id>/edit", methods=["GET", "POST"])
@requires("committees.manage")
def edit(committee_id: int):
    committee = committee_or_404(committee_id)
    form = CommitteeForm(obj=committee, seats_taken=committee.seats_taken)
    if form.validate_on_submit():
        if _name_taken(form.name.data, but=committee.id):
            form.name.errors.append(_("A committee with this name exists already."))
        else:
            form.populate_obj(committee)
            try:
                commit()
            except IntegrityError:  # a seat was taken meanwhile: the maximum is below it
                db.session.rollback()
                flash(str(MESSAGES["below_taken"]), "error")
                return render_page(
                    "committees/form.html", form=form, committee=committee_or_404(committee_id)
                ), 409
            flash(_("Committee saved."), "success")
            return redirect(url_for("committees.show", committee_id=committee.id))
    status = 422 if request.method == "POST" else 200
    return render_page("committees/form.html", form=form, committee=committee), status


def _show(committee: Committee, apply_form: ApplyForm | None = None, status: int = 200):
    members = (
        db.session.execute(
            db.select(Seat)
            .where(Seat.committee_id == committee.id, Seat.active_key == 1)
            .order_by(Seat.id)
        )
        .scalars()
        .all()
    )
    order = {role: n for n, role in enumerate(ROLES)}
    members.sort(key=lambda s: (order[s.role], s.id))
    mine = db.session.execute(
        db.select(Application)
        .where(
            Application.committee_id == committee.id,
            Application.user_id == current_user.id,
            Application.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    ).scalar_one_or_none()
    sitting = any(s.user_id == current_user.id for s in members)
    applications = None
    if can_manage():
        applications = paginate(
            db.select(Application).where(
                Application.committee_id == committee.id,
                Application.status.in_(OPEN_STATUSES),
            ),
            Application.id,
            per_page=30,
        )
    meetings = paginate(
        db.select(Meeting).where(Meeting.committee_id == committee.id),
        Meeting.id,
        per_page=10,
        cursor_arg="meetings_before",
    )
    decisions = paginate(
        db.select(Decision).where(Decision.committee_id == committee.id),
        Decision.id,
        per_page=10,
        cursor_arg="decisions_before",
    )
    rewards = (
        db.session.execute(
            db.select(Reward)
            .where(Reward.committee_id == committee.id)
            .order_by(Reward.id.desc())
            .limit(5)
        )
        .scalars()
        .all()
    )
    can_apply = has_permission("committees.apply") and not sitting and mine is None
    return (
        render_page(
            "committees/show.html",
            committee=committee,
            members=members,
            applications=applications,
            meetings=meetings,
            decisions=decisions,
            rewards=rewards,
            # Staff or this committee's convener keep its meetings (meetings.can_record).
            can_record=can_manage()
            or any(s.user_id == current_user.id and s.role == "convener" for s in members),
            mine=mine,
            sitting=sitting,
            apply_form=apply_form or (ApplyForm() if can_apply else None),
            can_manage=can_manage(),
            today=today(),
        ),
        status,
    )


@bp.route("/<int:committee_id>")
def show(committee_id: int):
    return _show(committee_or_404(committee_id))


@bp.route("/<int:committee_id>/apply", methods=["POST"])
@requires("committees.apply")
def apply(committee_id: int):
    committee = committee_or_404(committee_id)
    form = ApplyForm()
    if not form.validate_on_submit():
        return _show(committee, apply_form=form, status=422)
    try:
        application = seats.apply(
            committee, current_user.id, current_user.name or "", form.statement.data
        )
    except seats.RecruitmentError as refused:
        db.session.rollback()
        flash(str(MESSAGES[refused.code]), "error")
        return _show(committee_or_404(committee_id), apply_form=form, status=409)
    db.session.flush()
    audit("committees.applied", committee.name)
    _tell_staff(committee, application)
    commit()
    flash(_("Thank you: your application is in. Staff will talk with you."), "success")
    return redirect(url_for("committees.show", committee_id=committee.id))


def _tell_staff(committee: Committee, application: Application) -> None:
    staff = [m.user_id for m in members_with_permission("committees.manage")]
    notify(
        staff,
        "committees.application",
        {"zh_Hans": "专委会收到新的报名", "en": "A new application to a committee"},
        link=url_for("committees.show", committee_id=committee.id),
        body=committee.name,
    )


def _step(committee_id: int, application_id: int, step, done: str, tell: dict | None = None):
    committee = committee_or_404(committee_id)
    application = application_or_404(committee, application_id)
    try:
        step(application, current_user.id)
    except seats.RecruitmentError as refused:
        db.session.rollback()
        flash(str(MESSAGES[refused.code]), "error")
        return _show(committee_or_404(committee_id), status=409)
    if tell:
        notify(
            [application.user_id],
            "committees.recruitment",
            tell,
            link=url_for("committees.show", committee_id=committee.id),
            body=committee.name,
        )
    commit()
    flash(done, "success")
    return redirect(url_for("committees.show", committee_id=committee.id))


@bp.route("/<int:committee_id>/applications/<int:application_id>/vet", methods=["POST"])
@requires("committees.manage")
def vet(committee_id: int, application_id: int):
    return _step(
        committee_id,
        application_id,
        seats.vet,
        _("Vetting passed."),
        tell={
            "zh_Hans": "您的专委会报名已通过组织考察，等待竞聘上岗",
            "en": "Your committee application passed vetting; appointment comes next",
        },
    )


@bp.route("/<int:committee_id>/applications/<int:application_id>/reject", methods=["POST"])
@requires("committees.manage")
def reject(committee_id: int, application_id: int):
    return _step(
        committee_id,
        application_id,
        seats.reject,
        _("Application declined."),
        tell={
            "zh_Hans": "您的专委会报名这次未入选，感谢您的热心",
            "en": "Your committee application was not chosen this time; thank you",
        },
    )


@bp.route("/<int:committee_id>/applications/<int:application_id>/withdraw", methods=["POST"])
@requires("committees.apply")
def withdraw(committee_id: int, application_id: int):
    committee = committee_or_404(committee_id)
    if application_or_404(committee, application_id).user_id != current_user.id:
        abort(404)
    return _step(committee_id, application_id, seats.withdraw, _("Application withdrawn."))


@bp.route("/<int:committee_id>/applications/<int:application_id>/appoint", methods=["GET", "POST"])
@requires("committees.manage")
def appoint(committee_id: int, application_id: int):
    committee = committee_or_404(committee_id)
    application = application_or_404(committee, application_id)
    form = AppointForm()
    if request.method == "GET":
        start = today()
        form.term_start.data = start
        form.term_end.data = _years_later(start, 3)
    status = 200
    if form.validate_on_submit():
        try:
            seats.appoint(
                committee,
                application,
                form.role.data,
                form.term_start.data,
                form.term_end.data,
                current_user.id,
            )
        except seats.RecruitmentError as refused:
            db.session.rollback()
            flash(str(MESSAGES[refused.code]), "error")
            committee = committee_or_404(committee_id)
            application = application_or_404(committee, application_id)
            status = 409
        else:
            audit("committees.appointed", f"{committee.name}: {application.name}")
            notify(
                [application.user_id],
                "committees.recruitment",
                {"zh_Hans": "您已被聘为专委会委员", "en": "You are appointed to a committee"},
                link=url_for("committees.show", committee_id=committee.id),
                body=committee.name,
            )
            commit()
            flash(_("Appointed."), "success")
            return redirect(url_for("committees.show", committee_id=committee.id))
    elif request.method == "POST":
        status = 422
    return (
        render_page(
            "committees/appoint.html", form=form, committee=committee, application=application
        ),
        status,
    )


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@bp.route("/<int:committee_id>/seats/<int:seat_id>/end", methods=["POST"])
@requires("committees.access")
def end_seat(committee_id: int, seat_id: int):
    committee = committee_or_404(committee_id)
    seat = seat_or_404(committee, seat_id)
    own = seat.user_id == current_user.id
    if not (own or can_manage()):
        abort(403)
    reason = "stepped_down" if own else "term_end"
    try:
        seats.end_seat(committee, seat, reason)
    except seats.RecruitmentError as refused:
        db.session.rollback()
        flash(str(MESSAGES[refused.code]), "error")
        return _show(committee_or_404(committee_id), status=409)
    audit("committees.seat_ended", f"{committee.name}: {seat.name} ({reason})")
    commit()
    flash(_("You have stepped down.") if own else _("The term is ended."), "success")
    return redirect(url_for("committees.show", committee_id=committee.id))


@bp.route("/public")
@public
def public_board():
    from plugins.committees.models import Review

    page = paginate(db.select(Committee), Committee.id, per_page=30)
    reviews = (
        db.session.execute(
            db.select(Review)
            .where(Review.published_at.is_not(None))
            .order_by(Review.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    return render_page("committees/public.html", page=page, reviews=reviews)


@bp.route("/public/<int:committee_id>")
@public
def public_show(committee_id: int):
    committee = committee_or_404(committee_id)
    roles = dict(
        db.session.execute(
            db.select(Seat.role, db.func.count())
            .where(Seat.committee_id == committee.id, Seat.active_key == 1)
            .group_by(Seat.role)
        ).all()
    )
    meetings = paginate(
        db.select(Meeting).where(Meeting.committee_id == committee.id),
        Meeting.id,
        per_page=10,
        cursor_arg="meetings_before",
    )
    decisions = paginate(
        db.select(Decision).where(Decision.committee_id == committee.id, Decision.public.is_(True)),
        Decision.id,
        per_page=10,
        cursor_arg="decisions_before",
    )
    return render_page(
        "committees/public_show.html",
        committee=committee,
        roles=[(r, roles[r]) for r in ROLES if roles.get(r)],
        meetings=meetings,
        decisions=decisions,
    )


from plugins.committees import adopting as _adopt_routes  # noqa: E402,F401
from plugins.committees import exports as _export_routes  # noqa: E402,F401
from plugins.committees import figure_pages as _figure_routes  # noqa: E402,F401
from plugins.committees import matter_queue as _matter_routes  # noqa: E402,F401
from plugins.committees import meetings as _meeting_routes  # noqa: E402,F401  (routes on bp)
from plugins.committees import reviews as _review_routes  # noqa: E402,F401
