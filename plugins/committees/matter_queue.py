"""The committee's matter queue: community matters assigned to it, answered or handed back
by its members (the requests plugin keeps the matters and their rules; matters.py)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from core.plugin_api import audit, commit, db, requires
from plugins.committees import matters
from plugins.committees.forms import HandBackForm, MatterAnswerForm
from plugins.committees.i18n import _
from plugins.committees.models import Seat
from plugins.committees.rendering import render_page
from plugins.committees.views import bp, can_manage, committee_or_404


def _sitting(committee_id: int) -> bool:
    return (
        db.session.execute(
            db.select(Seat.id).where(
                Seat.committee_id == committee_id,
                Seat.user_id == current_user.id,
                Seat.active_key == 1,
            )
        ).first()
        is not None
    )


def _member_committee_or_404(committee_id: int):
    """The committee, for its sitting members and staff; others may not see its queue."""
    committee = committee_or_404(committee_id)
    if not (can_manage() or _sitting(committee.id)):
        abort(403)
    return committee


def _page(committee, answered, queue, forms=None, status=200):
    forms = forms or {}
    return (
        render_page(
            "committees/matters.html",
            committee=committee,
            requests_on=answered,
            open_matters=[m for m in queue if m.open],
            done_matters=[m for m in queue if not m.open],
            answer_form=lambda m: (
                forms.get(("answer", m.id)) or MatterAnswerForm(prefix=f"a{m.id}")
            ),
            back_form=lambda m: forms.get(("back", m.id)) or HandBackForm(prefix=f"b{m.id}"),
        ),
        status,
    )


@bp.route("/<int:committee_id>/matters")
@requires("committees.access")
def matter_queue(committee_id: int):
    committee = _member_committee_or_404(committee_id)
    answered, queue = matters.queue(committee.id)
    return _page(committee, answered, queue)


def _act(committee_id: int, request_id: int, which: str):
    committee = _member_committee_or_404(committee_id)
    answered, queue = matters.queue(committee.id)
    matter = next((m for m in queue if m.id == request_id), None)
    if matter is None:  # not this committee's (or no requests plugin): not found
        abort(404)
    if which == "answer":
        form, event = MatterAnswerForm(prefix=f"a{request_id}"), matters.ANSWER
    else:
        form, event = HandBackForm(prefix=f"b{request_id}"), matters.HAND_BACK
    if not matter.open:
        flash(_("This matter is answered already."), "error")
        return _page(committee, answered, queue, status=409)
    if not form.validate_on_submit():
        return _page(committee, answered, queue, forms={(which, request_id): form}, status=422)
    matters.propose(event, committee.id, matter.id, current_user.id, form.text.data.strip())
    audit(f"committees.matter_{which}", f"{committee.name}: {matter.number}")
    commit()  # and deliver: the requests plugin records it on the matter's timeline
    flash(
        _("Answer sent: the requester is asked to check it.")
        if which == "answer"
        else _("Handed back to the community's staff."),
        "success",
    )
    return redirect(url_for("committees.matter_queue", committee_id=committee.id))


@bp.route("/<int:committee_id>/matters/<int:request_id>/answer", methods=["POST"])
@requires("committees.access")
def matter_answer(committee_id: int, request_id: int):
    return _act(committee_id, request_id, "answer")


@bp.route("/<int:committee_id>/matters/<int:request_id>/hand-back", methods=["POST"])
@requires("committees.access")
def matter_hand_back(committee_id: int, request_id: int):
    return _act(committee_id, request_id, "back")
