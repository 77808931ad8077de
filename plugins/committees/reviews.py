"""半年述职评议: review rounds, score sheets entered by staff, published weighted results."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.plugin_api import (
    audit,
    commit,
    db,
    get_member,
    paginate,
    parse_id,
    parse_int,
    public,
    requires,
    utcnow,
)
from plugins.committees import assessing, rewards, scoring
from plugins.committees.forms import AssessorForm, ReviewForm
from plugins.committees.i18n import _
from plugins.committees.models import (
    REVIEW_GROUPS,
    Assessor,
    Committee,
    Criterion,
    Mark,
    Result,
    Review,
    Reward,
    Sheet,
)
from plugins.committees.rendering import render_page
from plugins.committees.views import bp, can_manage, today


def review_or_404(review_id: int, published_only: bool = False) -> Review:
    review = db.session.execute(
        db.select(Review).where(Review.id == review_id)
    ).scalar_one_or_none()
    if review is None or (published_only and review.published_at is None):
        abort(404)
    return review


def _criteria(review: Review) -> list[Criterion]:
    return (
        db.session.execute(
            db.select(Criterion)
            .where(Criterion.review_id == review.id)
            .order_by(Criterion.position, Criterion.id)
        )
        .scalars()
        .all()
    )


def _results(review: Review) -> list[Result]:
    rows = (
        db.session.execute(db.select(Result).where(Result.review_id == review.id)).scalars().all()
    )
    return sorted(rows, key=lambda r: (r.total is None, -(r.total or 0), r.committee_name))


@bp.route("/reviews")
def reviews():
    page = paginate(db.select(Review), Review.id, per_page=20)
    return render_page("committees/reviews.html", page=page, can_manage=can_manage())


@bp.route("/reviews/new", methods=["GET", "POST"])
@requires("committees.manage")
def review_new():
    form = ReviewForm()
    if request.method == "GET":
        form.year.data = today().year
    if form.validate_on_submit():
        review = Review(
            name=form.name.data,
            year=form.year.data or today().year,
            year_end=bool(form.year_end.data),
            due_on=form.due_on.data,
            weight_party=form.weight_party.data,
            weight_units=form.weight_units.data,
            weight_residents=form.weight_residents.data,
        )
        db.session.add(review)
        db.session.flush()
        db.session.add_all(
            Criterion(review_id=review.id, name=name, max_points=maximum, position=n)
            for n, (name, maximum) in enumerate(form.parsed_criteria)
        )
        audit("committees.review", review.name)
        commit()
        flash(_("Review round opened."), "success")
        return redirect(url_for("committees.review", review_id=review.id))
    status = 422 if request.method == "POST" else 200
    return render_page("committees/review_form.html", form=form), status


def _assessors(review: Review) -> list[Assessor]:
    return (
        db.session.execute(
            db.select(Assessor).where(Assessor.review_id == review.id).order_by(Assessor.id)
        )
        .scalars()
        .all()
    )


def _rewards(review: Review) -> list[Reward]:
    return (
        db.session.execute(
            db.select(Reward).where(Reward.review_id == review.id).order_by(Reward.id)
        )
        .scalars()
        .all()
    )


def _review_page(
    review: Review,
    errors: list[str] | None = None,
    status: int = 200,
    assessor_form: AssessorForm | None = None,
):
    manage = can_manage()
    committees = (
        db.session.execute(db.select(Committee).order_by(Committee.id)).scalars().all()
        if manage
        else []
    )
    results = _results(review) if review.published_at else []
    is_assessor = db.session.execute(
        db.select(Assessor.id).where(
            Assessor.review_id == review.id, Assessor.user_id == current_user.id
        )
    ).first()
    counts = dict(
        db.session.execute(
            db.select(Sheet.committee_id, db.func.count())
            .where(Sheet.review_id == review.id)
            .group_by(Sheet.committee_id)
        ).all()
    )
    return (
        render_page(
            "committees/review.html",
            review=review,
            criteria=_criteria(review),
            committees=committees,
            counts=counts,
            results=results,
            groups=REVIEW_GROUPS,
            errors=errors or [],
            can_manage=manage,
            points=scoring.as_points,
            assessors=_assessors(review) if manage else [],
            assessor_form=assessor_form or (AssessorForm() if manage else None),
            is_assessor=is_assessor is not None,
            rewards=_rewards(review) if review.year_end else [],
            proposed=rewards.proposed(review, results) if manage else [],
            rule_problem=rewards.rule_problem() if manage and review.year_end else None,
            yuan=yuan,
        ),
        status,
    )


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@bp.route("/reviews/<int:review_id>")
def review(review_id: int):
    return _review_page(review_or_404(review_id))


@bp.route("/reviews/<int:review_id>/sheets", methods=["POST"])
@requires("committees.manage")
def sheet_new(review_id: int):
    review = review_or_404(review_id)
    if review.published_at is not None:
        flash(_("The results are published: no more sheets."), "error")
        return _review_page(review, status=409)
    criteria = _criteria(review)
    errors = []
    committee_id = parse_id(request.form.get("committee"))
    committee = None
    if committee_id is not None:
        committee = db.session.execute(
            db.select(Committee).where(Committee.id == committee_id)
        ).scalar_one_or_none()
    if committee is None:
        errors.append(_("Choose a committee."))
    group = request.form.get("assessor_group", "")
    if group not in REVIEW_GROUPS:
        errors.append(_("Choose the assessor's group."))
    assessor = " ".join((request.form.get("assessor") or "").split())[:60]
    if not assessor:
        errors.append(_("Name the assessor (or a number such as Resident 3)."))
    marks = _marks(criteria, errors)
    if errors:
        return _review_page(review, errors=errors, status=422)
    sheet = Sheet(
        review_id=review.id, committee_id=committee.id, assessor_group=group, assessor=assessor
    )
    try:
        with db.session.begin_nested():
            db.session.add(sheet)
    except IntegrityError:  # this assessor's sheet for this committee is in already
        return _review_page(
            review, errors=[_("This assessor has a sheet for this committee already.")], status=409
        )
    db.session.add_all(Mark(sheet_id=sheet.id, criterion_id=c, points=p) for c, p in marks.items())
    commit()
    flash(_("Sheet saved."), "success")
    return redirect(url_for("committees.review", review_id=review.id))


def _marks(criteria: list[Criterion], errors: list[str]) -> dict[int, int]:
    """{criterion id: points} from the form (``c<id>`` fields; blank is left out); a
    problem goes to ``errors``, in the reader's language."""
    marks = {}
    for criterion in criteria:
        raw = (request.form.get(f"c{criterion.id}") or "").strip()
        if not raw:
            continue
        value = parse_int(raw)
        if value is None or not 0 <= value <= criterion.max_points:
            errors.append(
                _(
                    "%(name)s: give 0 to %(max)d points or leave it blank.",
                    name=criterion.name,
                    max=criterion.max_points,
                )
            )
        else:
            marks[criterion.id] = value
    if not errors and not marks:
        errors.append(_("Score at least one criterion."))
    return marks


@bp.route("/reviews/<int:review_id>/assessors", methods=["POST"])
@requires("committees.manage")
def assessor_new(review_id: int):
    """Staff name a member of the community as an assessor; they are told to score."""
    review = review_or_404(review_id)
    if review.published_at is not None:
        flash(_("The results are published: no more sheets."), "error")
        return _review_page(review, status=409)
    form = AssessorForm()
    if not form.validate_on_submit():
        return _review_page(review, assessor_form=form, status=422)
    member = get_member(form.person.data)
    assessor = Assessor(
        review_id=review.id,
        user_id=member.user_id,
        name=(member.name or member.email)[:80],
        assessor_group=form.assessor_group.data,
    )
    try:
        with db.session.begin_nested():
            db.session.add(assessor)
    except IntegrityError:
        form.person.errors.append(_("This person is an assessor of this round already."))
        return _review_page(review, assessor_form=form, status=409)
    assessing.tell_assessor(review, assessor)
    audit("committees.assessor", f"{review.name}: {assessor.name}")
    commit()
    flash(_("Assessor added; they are asked to score."), "success")
    return redirect(url_for("committees.review", review_id=review.id))


def _my_assessor(review: Review) -> Assessor:
    assessor = db.session.execute(
        db.select(Assessor).where(
            Assessor.review_id == review.id, Assessor.user_id == current_user.id
        )
    ).scalar_one_or_none()
    if assessor is None:
        abort(403)
    return assessor


def _my_sheets_page(review, assessor, errors=None, failed=None, status=200):
    committees = db.session.execute(db.select(Committee).order_by(Committee.id)).scalars().all()
    criteria = _criteria(review)
    mine = {
        s.committee_id: s
        for s in db.session.execute(
            db.select(Sheet).where(
                Sheet.review_id == review.id, Sheet.assessor_user_id == current_user.id
            )
        ).scalars()
    }
    scores = {}
    if mine:
        maxima = {c.id: c.max_points for c in criteria}
        by_sheet: dict[int, dict[int, int]] = {}
        for mark in db.session.execute(
            db.select(Mark).where(Mark.sheet_id.in_([s.id for s in mine.values()]))
        ).scalars():
            by_sheet.setdefault(mark.sheet_id, {})[mark.criterion_id] = mark.points
        for committee_id, sheet in mine.items():
            score = scoring.sheet_score(by_sheet.get(sheet.id, {}), maxima)
            scores[committee_id] = None if score is None else scoring.hundredths(score)
    return (
        render_page(
            "committees/my_sheets.html",
            review=review,
            assessor=assessor,
            committees=committees,
            criteria=criteria,
            mine=mine,
            scores=scores,
            errors=errors or [],
            failed=failed,
            points=scoring.as_points,
        ),
        status,
    )


@bp.route("/reviews/<int:review_id>/score")
@requires("committees.access")
def my_sheets(review_id: int):
    """An assessor's own page: each committee, scored already or a sheet to fill in."""
    review = review_or_404(review_id)
    return _my_sheets_page(review, _my_assessor(review))


@bp.route("/reviews/<int:review_id>/score/<int:committee_id>", methods=["POST"])
@requires("committees.access")
def my_sheet_new(review_id: int, committee_id: int):
    review = review_or_404(review_id)
    assessor = _my_assessor(review)
    committee = db.session.execute(
        db.select(Committee).where(Committee.id == committee_id)
    ).scalar_one_or_none()
    if committee is None:
        abort(404)
    if review.published_at is not None:
        flash(_("The results are published: no more sheets."), "error")
        return _my_sheets_page(review, assessor, status=409)
    errors: list[str] = []
    marks = _marks(_criteria(review), errors)
    if errors:
        return _my_sheets_page(review, assessor, errors=errors, failed=committee.id, status=422)
    sheet = Sheet(
        review_id=review.id,
        committee_id=committee.id,
        assessor_group=assessor.assessor_group,
        # The name shown on staff's lists; the account is what keeps it one per committee.
        assessor=f"{assessor.name[:45]} #{assessor.user_id}",
        assessor_user_id=assessor.user_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(sheet)
    except IntegrityError:
        return _my_sheets_page(
            review,
            assessor,
            errors=[_("You have scored this committee already.")],
            failed=committee.id,
            status=409,
        )
    db.session.add_all(Mark(sheet_id=sheet.id, criterion_id=c, points=p) for c, p in marks.items())
    commit()
    flash(_("Your score for %(name)s is saved.", name=committee.name), "success")
    return redirect(url_for("committees.my_sheets", review_id=review.id))


@bp.route("/reviews/<int:review_id>/rewards", methods=["POST"])
@requires("committees.manage")
def rewards_confirm(review_id: int):
    """以奖代投: staff confirm the year's rewards; each is recorded and proposed once."""
    review = review_or_404(review_id)
    if not review.year_end or review.published_at is None:
        flash(_("Rewards follow the published results of a year-end round."), "error")
        return _review_page(review, status=409)
    recorded = rewards.confirm(review, _results(review), current_user.id)
    if recorded and not review.rewards_confirmed_at:
        review.rewards_confirmed_at = utcnow()
    audit("committees.rewards", f"{review.name}: {len(recorded)}")
    commit()
    if recorded:
        message = _("Rewards confirmed: %(num)d recorded.", num=len(recorded))
    elif _rewards(review):
        message = _("The rewards were confirmed already; nothing new.")
    else:
        message = _("No committee reached a reward tier.")
    flash(message, "success")
    return redirect(url_for("committees.review", review_id=review.id))


@bp.route("/reviews/<int:review_id>/publish", methods=["POST"])
@requires("committees.manage")
def review_publish(review_id: int):
    review = review_or_404(review_id)
    published = db.session.execute(
        db.update(Review)
        .where(Review.id == review.id, Review.published_at.is_(None))
        .values(published_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if published.rowcount != 1:
        flash(_("The results are published already."), "error")
        return _review_page(review, status=409)
    maxima = {c.id: c.max_points for c in _criteria(review)}
    sheets = db.session.execute(db.select(Sheet).where(Sheet.review_id == review.id)).scalars()
    by_sheet: dict[int, dict[int, int]] = {}
    for mark in db.session.execute(
        db.select(Mark).join(Sheet, Sheet.id == Mark.sheet_id).where(Sheet.review_id == review.id)
    ).scalars():
        by_sheet.setdefault(mark.sheet_id, {})[mark.criterion_id] = mark.points
    per_committee: dict[int, list[scoring.Sheet]] = {}
    for sheet in sheets:
        per_committee.setdefault(sheet.committee_id, []).append(
            scoring.Sheet(sheet.assessor_group, by_sheet.get(sheet.id, {}))
        )
    names = dict(db.session.execute(db.select(Committee.id, Committee.name)).all())
    for committee_id, committee_sheets in per_committee.items():
        outcome = scoring.weighted_result(committee_sheets, maxima, review.weights)
        db.session.add(
            Result(
                review_id=review.id,
                committee_id=committee_id,
                committee_name=names.get(committee_id, ""),
                total=outcome.total,
                sheets=len(committee_sheets),
                **outcome.groups,
            )
        )
    audit("committees.review_published", review.name)
    commit()
    flash(_("Results published."), "success")
    return redirect(url_for("committees.review", review_id=review.id))


@bp.route("/public/reviews/<int:review_id>")
@public
def public_review(review_id: int):
    review = review_or_404(review_id, published_only=True)
    return render_page(
        "committees/public_review.html",
        review=review,
        criteria=_criteria(review),
        results=_results(review),
        points=scoring.as_points,
    )
