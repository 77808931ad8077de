"""Activities: the list, one activity, signing up, publishing and changing them, the
printable QR code, and the self-report of hours."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from core.plugin_api import (
    audit,
    commit,
    current_tenant_id,
    db,
    get_members,
    render,
    requires,
    to_local,
)
from plugins.volunteers import clock, hours, notifying, qr
from plugins.volunteers.forms import ActivityForm, SelfReportForm
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Activity, HourLog, Signup
from plugins.volunteers.views import (
    activity_or_404,
    aware,
    bp,
    can_manage,
    categories,
    settings,
    teams,
    today_local,
    tz,
)

DATA = {"data-user": ""}  # option labels are what people typed (names, titles)


def _my_signup(activity: Activity) -> Signup | None:
    return db.session.execute(
        sa.select(Signup).where(
            Signup.activity_id == activity.id, Signup.user_id == current_user.id
        )
    ).scalar_one_or_none()


@bp.route("/")
def index():
    """Upcoming activities with my sign-ups marked; the way to log hours."""
    now = clock.now()
    upcoming = list(
        db.session.execute(
            sa.select(Activity)
            .where(Activity.status == "published", Activity.ends_at > now)
            .order_by(Activity.starts_at, Activity.id)
            .limit(settings()["per_page"])
        ).scalars()
    )
    mine = set(
        db.session.execute(
            sa.select(Signup.activity_id).where(
                Signup.user_id == current_user.id,
                Signup.status == "signed_up",
                Signup.activity_id.in_([a.id for a in upcoming] or [0]),
            )
        ).scalars()
    )
    return render("volunteers/index.html", upcoming=upcoming, mine=mine, now=now)


@bp.route("/activities/<int:activity_id>")
def activity(activity_id: int):
    return _render_activity(activity_or_404(activity_id))


def _render_activity(activity: Activity, status: int = 200):
    signup = _my_signup(activity)
    people = []
    if can_manage():
        ids = list(
            db.session.execute(
                sa.select(Signup.user_id)
                .where(Signup.activity_id == activity.id, Signup.status == "signed_up")
                .order_by(Signup.id)
            ).scalars()
        )
        found = get_members(ids)
        people = [found[i] for i in ids if i in found]
    log = hours.open_log(current_user.id, activity)
    return render(
        "volunteers/activity.html",
        activity=activity,
        signup=signup,
        people=people,
        log=log,
        now=clock.now(),
    ), status


@bp.route("/activities/<int:activity_id>/signup", methods=["POST"])
def sign_up(activity_id: int):
    activity = activity_or_404(activity_id)
    if activity.status != "published" or activity.ends_at <= clock.now():
        flash(_("This activity is no longer open for sign-up."), "error")
        return _render_activity(activity, 409)
    signup = _my_signup(activity)
    if signup is not None and signup.status == "signed_up":
        flash(_("You are already signed up."), "info")
        return redirect(url_for("volunteers.activity", activity_id=activity.id))
    table = Activity.__table__
    seat = db.session.execute(
        sa.update(table)
        .where(
            table.c.tenant_id == current_tenant_id(),
            table.c.id == activity.id,
            table.c.taken < table.c.slots,
        )
        .values(taken=table.c.taken + 1)
    ).rowcount
    if seat != 1:
        db.session.rollback()
        flash(_("Sorry, this activity is full."), "error")
        return _render_activity(activity_or_404(activity_id), 409)
    try:
        with db.session.begin_nested():
            if signup is None:
                db.session.add(Signup(activity_id=activity.id, user_id=current_user.id))
            else:
                signup.status = "signed_up"
    except IntegrityError:
        db.session.rollback()  # the same person signing up twice at once: one counts
        flash(_("You are already signed up."), "info")
        return redirect(url_for("volunteers.activity", activity_id=activity_id))
    commit()
    flash(_("You are signed up. See you there!"), "success")
    return redirect(url_for("volunteers.activity", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/withdraw", methods=["POST"])
def withdraw(activity_id: int):
    activity = activity_or_404(activity_id)
    signup_table, table = Signup.__table__, Activity.__table__
    left = db.session.execute(
        sa.update(signup_table)
        .where(
            signup_table.c.tenant_id == current_tenant_id(),
            signup_table.c.activity_id == activity.id,
            signup_table.c.user_id == current_user.id,
            signup_table.c.status == "signed_up",
        )
        .values(status="cancelled")
    ).rowcount
    if left == 1:
        db.session.execute(
            sa.update(table)
            .where(
                table.c.tenant_id == current_tenant_id(),
                table.c.id == activity.id,
                table.c.taken > 0,
            )
            .values(taken=table.c.taken - 1)
        )
        commit()
        flash(_("You are no longer signed up."), "success")
    return redirect(url_for("volunteers.activity", activity_id=activity.id))


def _activity_form(form: ActivityForm) -> ActivityForm:
    form.category_id.choices = [SelectChoice(c.id, c.name, DATA) for c in categories()]
    form.team_id.choices = [(None, "—")] + [SelectChoice(t.id, t.name, DATA) for t in teams()]
    return form


def _fill(activity: Activity, form: ActivityForm) -> None:
    activity.title = form.title.data
    activity.starts_at = aware(form.starts_at.data)
    activity.ends_at = aware(form.ends_at.data)
    activity.place = form.place.data or ""
    activity.category_id = form.category_id.data
    activity.team_id = form.team_id.data
    activity.skills = form.skills.data or ""
    activity.description = form.description.data or ""


@bp.route("/activities/new", methods=["GET", "POST"])
@requires("volunteers.manage")
def create():
    form = _activity_form(ActivityForm())
    if not categories():
        flash(_("Add a category with its points rate first."), "info")
        return redirect(url_for("volunteers.categories_page"))
    if form.validate_on_submit():
        activity = Activity(slots=form.slots.data, taken=0, created_by_id=current_user.id)
        _fill(activity, form)
        db.session.add(activity)
        db.session.flush()
        audit("volunteers.activity_published", activity.title)
        commit()
        flash(_("Activity published."), "success")
        return redirect(url_for("volunteers.activity", activity_id=activity.id))
    status = 422 if request.method == "POST" else 200
    return render("volunteers/activity_form.html", form=form, activity=None), status


def _signed_up_ids(activity: Activity) -> list[int]:
    return list(
        db.session.execute(
            sa.select(Signup.user_id).where(
                Signup.activity_id == activity.id, Signup.status == "signed_up"
            )
        ).scalars()
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@requires("volunteers.manage")
def edit(activity_id: int):
    activity = activity_or_404(activity_id)
    data = None
    if request.method == "GET":
        data = {
            "title": activity.title,
            "starts_at": to_local(activity.starts_at, tz().key).replace(tzinfo=None),
            "ends_at": to_local(activity.ends_at, tz().key).replace(tzinfo=None),
            "place": activity.place,
            "slots": activity.slots,
            "category_id": activity.category_id,
            "team_id": activity.team_id,
            "skills": activity.skills,
            "description": activity.description,
        }
    form = _activity_form(ActivityForm(data=data))
    if form.validate_on_submit():
        if form.slots.data < activity.taken:
            form.slots.errors.append(
                _(
                    "%(n)d volunteers have signed up: keep at least that many places.",
                    n=activity.taken,
                )
            )
        else:
            activity.slots = form.slots.data
            _fill(activity, form)
            notifying.activity_changed(activity, _signed_up_ids(activity))
            audit("volunteers.activity_changed", activity.title)
            commit()
            flash(_("Activity saved; those signed up are told."), "success")
            return redirect(url_for("volunteers.activity", activity_id=activity.id))
    status = 422 if request.method == "POST" else 200
    return render("volunteers/activity_form.html", form=form, activity=activity), status


@bp.route("/activities/<int:activity_id>/cancel", methods=["POST"])
@requires("volunteers.manage")
def cancel(activity_id: int):
    activity = activity_or_404(activity_id)
    if activity.status == "published":
        activity.status = "cancelled"
        notifying.activity_changed(activity, _signed_up_ids(activity), cancelled=True)
        audit("volunteers.activity_cancelled", activity.title)
        commit()
        flash(_("Activity cancelled; those signed up are told."), "success")
    return redirect(url_for("volunteers.activity", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/qr")
@requires("volunteers.manage")
def qr_page(activity_id: int):
    activity = activity_or_404(activity_id)
    link = url_for("volunteers.scan", token=qr.token_for(activity), _external=True)
    return render("volunteers/qr.html", activity=activity, link=link, svg=Markup(qr.svg(link)))


@bp.route("/activities/<int:activity_id>/qr/renew", methods=["POST"])
@requires("volunteers.manage")
def qr_renew(activity_id: int):
    activity = activity_or_404(activity_id)
    activity.qr_version += 1
    audit("volunteers.qr_renewed", activity.title)
    commit()
    flash(_("A new code is ready; printed copies of the old one no longer work."), "success")
    return redirect(url_for("volunteers.qr_page", activity_id=activity.id))


def _report_form(form: SelfReportForm) -> SelfReportForm:
    since = clock.now() - timedelta(days=60)
    recent = db.session.execute(
        sa.select(Activity)
        .where(
            Activity.status == "published",
            Activity.starts_at >= since,
            Activity.starts_at <= clock.now(),
        )
        .order_by(Activity.starts_at.desc())
        .limit(30)
    ).scalars()
    form.activity_id.choices = [(None, _("No activity"))] + [
        SelectChoice(a.id, f"{to_local(a.starts_at, tz().key):%m-%d} {a.title}", DATA)
        for a in recent
    ]
    form.category_id.choices = [SelectChoice(c.id, c.name, DATA) for c in categories()]
    return form


@bp.route("/hours/new", methods=["GET", "POST"])
def report_hours():
    form = _report_form(
        SelfReportForm(data={"day": today_local()} if request.method == "GET" else None)
    )
    if form.validate_on_submit():
        activity = activity_or_404(form.activity_id.data) if form.activity_id.data else None
        category = next((c for c in categories() if c.id == form.category_id.data), None)
        try:
            hours.self_report(
                current_user.id,
                day=form.day.data,
                start=form.start.data,
                minutes=form.minutes,
                note=form.note.data or "",
                activity=activity,
                category=category,
            )
        except hours.HoursError as exc:
            db.session.rollback()
            form.hours.errors = [*form.hours.errors, str(exc)]
            return render("volunteers/report.html", form=form), 422
        commit()
        flash(_("Hours sent for review. You will be told when they are approved."), "success")
        return redirect(url_for("volunteers.me"))
    status = 422 if request.method == "POST" else 200
    return render("volunteers/report.html", form=form), status


@bp.route("/my-hours/<int:log_id>/withdraw", methods=["POST"])
def withdraw_hours(log_id: int):
    log = db.session.execute(
        sa.select(HourLog).where(HourLog.id == log_id, HourLog.user_id == current_user.id)
    ).scalar_one_or_none()
    if log is None:
        abort(404)
    if log.status in ("pending", "open") and hours.reject(
        log, current_user.id, _("Withdrawn by the volunteer"), allowed=(log.status,)
    ):
        commit()
        flash(_("Hours withdrawn."), "success")
    return redirect(url_for("volunteers.me"))
