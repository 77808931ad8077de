"""Meetings (agenda, attendance, minutes) and the decisions taken at them."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import audit, commit, db, parse_id, requires
from plugins.committees.forms import DecisionForm, MeetingForm, MinutesForm
from plugins.committees.i18n import _
from plugins.committees.models import Attendance, Decision, Meeting, Seat
from plugins.committees.rendering import render_page
from plugins.committees.views import bp, can_manage, committee_or_404, today


def meeting_or_404(committee, meeting_id: int) -> Meeting:
    meeting = db.session.execute(
        db.select(Meeting).where(Meeting.id == meeting_id, Meeting.committee_id == committee.id)
    ).scalar_one_or_none()
    if meeting is None:
        abort(404)
    return meeting


def can_record(committee) -> bool:
    """Staff, or the committee's own convener (召集人), keep its meetings."""
    if can_manage():
        return True
    return (
        db.session.execute(
            db.select(Seat.id).where(
                Seat.committee_id == committee.id,
                Seat.user_id == current_user.id,
                Seat.role == "convener",
                Seat.active_key == 1,
            )
        ).first()
        is not None
    )


def _recorder_committee_or_404(committee_id: int):
    committee = committee_or_404(committee_id)
    if not can_record(committee):
        abort(403)
    return committee


@bp.route("/<int:committee_id>/meetings/new", methods=["GET", "POST"])
@requires("committees.access")
def meeting_new(committee_id: int):
    committee = _recorder_committee_or_404(committee_id)
    form = MeetingForm()
    if request.method == "GET":
        form.held_on.data = today()
    if form.validate_on_submit():
        meeting = Meeting(committee_id=committee.id)
        form.populate_obj(meeting)
        db.session.add(meeting)
        db.session.flush()
        audit("committees.meeting", f"{committee.name}: {meeting.held_on.isoformat()}")
        commit()
        flash(_("Meeting scheduled."), "success")
        return redirect(
            url_for("committees.meeting", committee_id=committee.id, meeting_id=meeting.id)
        )
    status = 422 if request.method == "POST" else 200
    return render_page("committees/meeting_form.html", form=form, committee=committee), status


def _meeting_page(committee, meeting, minutes_form=None, decision_form=None, status=200):
    present = (
        db.session.execute(
            db.select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.id)
        )
        .scalars()
        .all()
    )
    members = []
    recorder = can_record(committee)
    if recorder:
        members = (
            db.session.execute(
                db.select(Seat)
                .where(Seat.committee_id == committee.id, Seat.active_key == 1)
                .order_by(Seat.id)
            )
            .scalars()
            .all()
        )
    decisions = (
        db.session.execute(
            db.select(Decision).where(Decision.meeting_id == meeting.id).order_by(Decision.id)
        )
        .scalars()
        .all()
    )
    if minutes_form is None and recorder:
        minutes_form = MinutesForm(obj=meeting)
    if decision_form is None and recorder:
        decision_form = DecisionForm()
        decision_form.decided_on.data = meeting.held_on
    return (
        render_page(
            "committees/meeting.html",
            committee=committee,
            meeting=meeting,
            present=present,
            present_ids={a.user_id for a in present},
            members=members,
            decisions=decisions,
            minutes_form=minutes_form,
            decision_form=decision_form,
            can_manage=recorder,
        ),
        status,
    )


@bp.route("/<int:committee_id>/meetings/<int:meeting_id>")
def meeting(committee_id: int, meeting_id: int):
    committee = committee_or_404(committee_id)
    return _meeting_page(committee, meeting_or_404(committee, meeting_id))


@bp.route("/<int:committee_id>/meetings/<int:meeting_id>/minutes", methods=["POST"])
@requires("committees.access")
def meeting_minutes(committee_id: int, meeting_id: int):
    committee = _recorder_committee_or_404(committee_id)
    meeting = meeting_or_404(committee, meeting_id)
    form = MinutesForm()
    members = {
        s.user_id: s.name
        for s in db.session.execute(
            db.select(Seat).where(Seat.committee_id == committee.id, Seat.active_key == 1)
        ).scalars()
    }
    raw = request.form.getlist("present")
    chosen = {parse_id(value) for value in raw}
    bad_ticks = None in chosen or not chosen <= set(members)
    if bad_ticks:
        flash(_("Tick members of this committee only."), "error")
    if not form.validate_on_submit() or bad_ticks:
        return _meeting_page(committee, meeting, minutes_form=form, status=422)
    meeting.minutes = form.minutes.data or ""
    db.session.execute(db.delete(Attendance).where(Attendance.meeting_id == meeting.id))
    db.session.add_all(
        Attendance(meeting_id=meeting.id, user_id=user_id, name=members[user_id])
        for user_id in sorted(chosen)
    )
    meeting.present_count = len(chosen)
    commit()
    flash(_("Attendance and minutes saved."), "success")
    return redirect(url_for("committees.meeting", committee_id=committee.id, meeting_id=meeting.id))


@bp.route("/<int:committee_id>/meetings/<int:meeting_id>/decisions", methods=["POST"])
@requires("committees.access")
def decision_new(committee_id: int, meeting_id: int):
    committee = _recorder_committee_or_404(committee_id)
    meeting = meeting_or_404(committee, meeting_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _meeting_page(committee, meeting, decision_form=form, status=422)
    decision = Decision(committee_id=committee.id, meeting_id=meeting.id)
    form.populate_obj(decision)
    db.session.add(decision)
    audit("committees.decision", committee.name)
    commit()
    flash(_("Decision recorded."), "success")
    return redirect(url_for("committees.meeting", committee_id=committee.id, meeting_id=meeting.id))
