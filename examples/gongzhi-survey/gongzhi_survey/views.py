"""The survey pages, mounted by the platform at ``/c/<slug>/survey/``.

Every route needs a signed-in member with ``survey.access`` unless marked otherwise;
the platform answers 404 for a community that has not switched the plugin on.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.plugin_api import (
    ExportColumn,
    audit,
    commit,
    db,
    emit,
    export_response,
    has_permission,
    paginate,
    parse_id,
    plugin_settings,
    public,
    render,
    requires,
)
from gongzhi_survey.forms import PollForm
from gongzhi_survey.i18n import _
from gongzhi_survey.models import Option, Poll, Vote, has_voted, tally

bp = Blueprint("survey", __name__, template_folder="templates")


def _poll_or_404(poll_id: int, public_only: bool = False) -> Poll:
    select = db.select(Poll).where(Poll.id == poll_id)
    if public_only:
        select = select.where(Poll.public.is_(True))
    poll = db.session.execute(select).scalar_one_or_none()
    if poll is None:
        abort(404)
    return poll


def _poll_block(poll: Poll, status: int = 200):
    """The voting form or the results, as a page or (for htmx) the block alone."""
    voted = has_voted(poll, current_user.id)
    context = dict(
        poll=poll,
        results=tally(poll),
        voted=voted,
        can_vote=not voted and not poll.closed and has_permission("survey.vote"),
        can_manage=has_permission("survey.manage"),
    )
    template = "survey/_poll.html" if request.htmx else "survey/show.html"
    return render(template, **context), status


@bp.route("/")
def index():
    page = paginate(db.select(Poll), Poll.id, per_page=20)
    return render("survey/index.html", page=page, can_manage=has_permission("survey.manage"))


@bp.route("/new", methods=["GET", "POST"])
@requires("survey.manage")
def create():
    form = PollForm()
    if form.validate_on_submit():
        poll = Poll(
            question=form.question.data,
            description=form.description.data or "",
            public=form.public.data,
            created_by_id=current_user.id,
        )
        db.session.add(poll)
        db.session.flush()  # poll.id for the options
        db.session.add_all(
            Option(poll_id=poll.id, label=label, position=position)
            for position, label in enumerate(form.option_labels(), start=1)
        )
        audit("survey.created", poll.question)
        commit()
        flash(_("Poll started."), "success")
        return redirect(url_for("survey.show", poll_id=poll.id))
    status = 422 if request.method == "POST" else 200
    return render("survey/form.html", form=form), status


@bp.route("/<int:poll_id>")
def show(poll_id: int):
    return _poll_block(_poll_or_404(poll_id))


@bp.route("/<int:poll_id>/vote", methods=["POST"])
@requires("survey.vote")
def vote(poll_id: int):
    poll = _poll_or_404(poll_id)
    option_id = parse_id(request.form.get("option"))  # ASCII digits, a BIGINT
    if poll.closed or option_id not in {o.id for o in poll.options}:
        flash(_("Choose one of the options of an open poll."), "error")
        return _poll_block(poll, 422)
    try:
        with db.session.begin_nested():  # the unique constraint decides, also under races
            db.session.add(Vote(poll_id=poll.id, option_id=option_id, user_id=current_user.id))
    except IntegrityError:
        flash(_("You have already voted in this poll."), "error")
        return _poll_block(poll, 409)
    commit()
    flash(_("Thank you, your vote is counted."), "success")
    if request.htmx:
        return _poll_block(poll)
    return redirect(url_for("survey.show", poll_id=poll.id))


@bp.route("/<int:poll_id>/close", methods=["POST"])
@requires("survey.manage")
def close(poll_id: int):
    poll = _poll_or_404(poll_id)
    if not poll.closed:
        poll.closed = True
        audit("survey.closed", poll.question)
        # Delivered after the commit to every plugin this community has on, us included.
        emit("poll_closed", poll_id=poll.id, question=poll.question)
        commit()
        flash(_("Poll closed."), "success")
    return redirect(url_for("survey.show", poll_id=poll.id))


@bp.route("/<int:poll_id>/results.<any(csv, xlsx):fmt>")
@requires("survey.manage")
def download(poll_id: int, fmt: str):
    """The results as a spreadsheet: ``/<poll>/results.csv`` or ``/<poll>/results.xlsx``."""
    poll = _poll_or_404(poll_id)
    columns = [
        ExportColumn(_("Option"), width=30),
        ExportColumn(_("Votes"), "int"),
        ExportColumn(_("Started"), "datetime"),  # the community's wall-clock time
    ]
    rows = [(option.label, votes, poll.created_at) for option, votes in tally(poll)]
    name = _("Results of the poll")
    return export_response(name, columns, rows, fmt=fmt, key=f"survey-{poll.id}")


@bp.route("/results")
@public
def public_index():
    if not plugin_settings("survey")["public_results"]:
        abort(404)
    polls = db.session.execute(
        db.select(Poll).where(Poll.public.is_(True)).order_by(Poll.id.desc()).limit(50)
    ).scalars()
    return render("survey/public_index.html", polls=list(polls))


@bp.route("/results/<int:poll_id>")
@public
def public_results(poll_id: int):
    if not plugin_settings("survey")["public_results"]:
        abort(404)
    poll = _poll_or_404(poll_id, public_only=True)
    return render("survey/public_results.html", poll=poll, results=tally(poll))
