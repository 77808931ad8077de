"""The payroll office: scales, workers and their changes, allowance items, the
headcount norm and the year's budget."""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from core.plugin_api import (
    audit,
    commit,
    current_tenant,
    db,
    parse_int,
    requires,
    shared_templates,
    template_adoption,
)
from plugins.salaries import budget
from plugins.salaries.forms import (
    AdoptForm,
    AppraisalForm,
    AssignmentForm,
    ItemForm,
    RunForm,
    ScaleForm,
    WorkerEditForm,
    WorkerForm,
    WorkerItemForm,
)
from plugins.salaries.i18n import _
from plugins.salaries.models import (
    Appraisal,
    Assignment,
    Item,
    Run,
    ScaleVersion,
    Worker,
    WorkerItem,
)
from plugins.salaries.money import yuan_plain
from plugins.salaries.scales import KIND, PLUGIN, BadScale, adoption_row, record, scale_in_force
from plugins.salaries.views import bp, page, today, worker_or_404

MANAGE = "salaries.manage"


@bp.route("/manage")
@requires(MANAGE)
def manage():
    runs = db.session.execute(
        db.select(Run).order_by(Run.month.desc(), Run.id.desc()).limit(24)
    ).scalars()
    return page(
        "salaries/manage.html",
        runs=list(runs),
        scale=scale_in_force(today()),
        norm=budget.headcount(),
        form=RunForm(formdata=None),
    )


def _scale_page(form: ScaleForm, adopt: AdoptForm, status: int = 200):
    versions = db.session.execute(
        db.select(ScaleVersion).order_by(ScaleVersion.effective_from.desc())
    ).scalars()
    scale = scale_in_force(today())
    adoption = template_adoption(PLUGIN, KIND)
    newer = None  # an office's next version the community has not adopted yet
    if adoption is not None and adoption.newer is not None and adoption.template.office_id:
        newer = adoption.newer
    if status == 200 and scale is not None and not form.name.data:  # adapting starts here
        for post, by_area in scale.rates.items():
            for area, row in by_area.items():
                field = getattr(form, f"rate_{post}_{area}", None)
                if field is not None and not field.data:
                    field.data = ", ".join(yuan_plain(v) for v in row)
    return page(
        "salaries/scales.html", form=form, adopt=adopt, versions=list(versions),
        scale=scale, area=current_tenant().kind, adoption=adoption, newer=newer,
        offices=adopt.offices,
    ), status  # fmt: skip


def _adopt_form() -> AdoptForm:
    """The adopt form offering the scales the community may adopt: its street's and
    district's (copied) and the operator's (followed)."""
    form = AdoptForm()
    templates = shared_templates(PLUGIN, KIND)
    form.templates = {t.key: t for t in templates}
    form.offices = {t.key: t.office for t in templates if t.office_id is not None}
    form.template_key.choices = [SelectChoice(t.key, _choice(t), render_kw={"data-user": ""})
                                 for t in templates]  # fmt: skip
    return form


def _choice(template) -> str:
    name = template.payload.get("name") or template.key
    if template.office_id is None:
        return f"{name} (v{template.version})"
    return _("%(office)s: %(name)s (version %(version)d)",
             office=template.office, name=name, version=template.version)  # fmt: skip


def _add_version(version: ScaleVersion, field) -> bool:
    try:
        with db.session.begin_nested():
            db.session.add(version)
    except IntegrityError:
        field.errors = [*field.errors, _("A scale already starts on this date.")]
        return False
    return True


@bp.route("/manage/scales", methods=["GET", "POST"])
@requires(MANAGE)
def scales():
    form = ScaleForm() if request.form.get("form") == "scale" else ScaleForm(formdata=None)
    adopt = _adopt_form()
    if request.method == "POST" and request.form.get("form") == "scale":
        if form.validate_on_submit():
            version = ScaleVersion(effective_from=form.effective_from.data,
                                   name=form.name.data.strip(), rates=form.rates(),
                                   created_by=current_user.id)  # fmt: skip
            if _add_version(version, form.effective_from):
                audit(
                    "salaries.scale_saved", version.name, effective_from=str(version.effective_from)
                )
                commit()
                return redirect(url_for("salaries.scales"), 303)
        return _scale_page(form, _adopt_form_blank(adopt), 422)
    if request.method == "POST":
        if adopt.validate_on_submit():
            template = adopt.templates[adopt.template_key.data]
            try:
                version = adoption_row(template, adopt.effective_from.data, current_user.id)
            except BadScale as exc:  # an office's payload that is no scale: never adopted
                adopt.template_key.errors = [str(exc)]
            else:
                if _add_version(version, adopt.effective_from):
                    record(template, current_user.id)
                    audit("salaries.template_adopted", template.key, version=template.version,
                          effective_from=str(version.effective_from))  # fmt: skip
                    commit()
                    return redirect(url_for("salaries.scales"), 303)
        return _scale_page(form, adopt, 422)
    return _scale_page(form, adopt)


def _adopt_form_blank(adopt: AdoptForm) -> AdoptForm:
    adopt.process(formdata=None)
    return adopt


@bp.route("/manage/workers", methods=["GET", "POST"])
@requires(MANAGE)
def workers():
    form = WorkerForm()
    if form.validate_on_submit():
        worker = Worker(
            name=form.name.data.strip(),
            member_id=form.member.data,
            start_date=form.start_date.data,
            certificate=form.certificate.data,
        )
        try:
            with db.session.begin_nested():
                db.session.add(worker)
                db.session.flush()
        except IntegrityError:
            form.member.errors.append(_("This account is already a worker's."))
        else:
            db.session.add(Assignment(worker_id=worker.id, effective_from=form.start_date.data,
                                      post=form.post.data, level=form.level.data))  # fmt: skip
            audit("salaries.worker_added", worker.name)
            commit()
            return redirect(url_for("salaries.workers"), 303)
    rows = db.session.execute(
        db.select(Worker).order_by(Worker.active.desc(), Worker.name)
    ).scalars()
    current = _assignments_on(today())
    status = 422 if request.method == "POST" else 200
    return page("salaries/workers.html", form=form, workers=list(rows), current=current), status


def _assignments_on(day) -> dict[int, tuple[str, int]]:
    found: dict[int, tuple[str, int]] = {}
    for worker_id, post, level in db.session.execute(
        db.select(Assignment.worker_id, Assignment.post, Assignment.level)
        .where(Assignment.effective_from <= day)
        .order_by(Assignment.worker_id, Assignment.effective_from)
    ):
        found[worker_id] = (post, level)
    return found


def _worker_page(worker: Worker, forms: dict, status: int = 200):
    assignments = db.session.execute(
        db.select(Assignment).where(Assignment.worker_id == worker.id)
        .order_by(Assignment.effective_from.desc())
    ).scalars()  # fmt: skip
    appraisals = db.session.execute(
        db.select(Appraisal).where(Appraisal.worker_id == worker.id)
        .order_by(Appraisal.month.desc()).limit(24)
    ).scalars()  # fmt: skip
    given = db.session.execute(
        db.select(WorkerItem, Item).join(Item, Item.id == WorkerItem.item_id)
        .where(WorkerItem.worker_id == worker.id).order_by(Item.name)
    ).all()  # fmt: skip
    items = forms.get("item") or WorkerItemForm(formdata=None)
    items.item_id.choices = _item_choices()
    data = {"name": worker.name, "start_date": worker.start_date,
            "certificate": worker.certificate, "active": worker.active}  # fmt: skip
    return page(
        "salaries/worker.html", worker=worker, assignments=list(assignments),
        appraisals=list(appraisals), given=given,
        edit=forms.get("edit") or WorkerEditForm(formdata=None, data=data),
        change=forms.get("change") or AssignmentForm(formdata=None),
        appraisal=forms.get("appraisal") or AppraisalForm(formdata=None),
        item=items,
    ), status  # fmt: skip


def _item_choices() -> list[SelectChoice]:
    return [
        SelectChoice(i.id, i.name, render_kw={"data-user": ""})
        for i in db.session.execute(
            db.select(Item).where(Item.active.is_(True)).order_by(Item.name)
        ).scalars()
    ]


@bp.route("/manage/workers/<int:worker_id>", methods=["GET", "POST"])
@requires(MANAGE)
def worker(worker_id: int):
    worker = worker_or_404(worker_id)
    if request.method == "GET":
        return _worker_page(worker, {})
    which = request.form.get("form", "")
    if which == "edit":
        form = WorkerEditForm()
        if form.validate_on_submit():
            worker.name = form.name.data.strip()
            worker.start_date = form.start_date.data
            worker.certificate = form.certificate.data
            worker.active = bool(form.active.data)
            audit("salaries.worker_edited", worker.name)
            commit()
            return redirect(url_for("salaries.worker", worker_id=worker.id), 303)
        return _worker_page(worker, {"edit": form}, 422)
    if which == "change":
        form = AssignmentForm()
        if form.validate_on_submit():
            row = db.session.execute(
                db.select(Assignment).where(Assignment.worker_id == worker.id,
                                            Assignment.effective_from == form.effective_from.data)
            ).scalar_one_or_none()  # fmt: skip
            if row is None:
                row = Assignment(worker_id=worker.id, effective_from=form.effective_from.data)
                db.session.add(row)
            row.post, row.level = form.post.data, form.level.data
            audit("salaries.worker_changed", worker.name, post=row.post, level=row.level,
                  effective_from=str(row.effective_from))  # fmt: skip
            commit()
            return redirect(url_for("salaries.worker", worker_id=worker.id), 303)
        return _worker_page(worker, {"change": form}, 422)
    if which == "appraisal":
        form = AppraisalForm()
        if form.validate_on_submit():
            month = form.month.month
            row = db.session.execute(
                db.select(Appraisal).where(Appraisal.worker_id == worker.id,
                                           Appraisal.month == month)
            ).scalar_one_or_none()  # fmt: skip
            if row is None:
                row = Appraisal(worker_id=worker.id, month=month)
                db.session.add(row)
            row.score = form.score.data
            audit("salaries.appraisal_saved", worker.name, month=str(month), score=row.score)
            commit()
            return redirect(url_for("salaries.worker", worker_id=worker.id), 303)
        return _worker_page(worker, {"appraisal": form}, 422)
    if which == "item":
        form = WorkerItemForm()
        form.item_id.choices = _item_choices()
        if form.validate_on_submit():
            row = db.session.execute(
                db.select(WorkerItem).where(WorkerItem.worker_id == worker.id,
                                            WorkerItem.item_id == form.item_id.data)
            ).scalar_one_or_none()  # fmt: skip
            if row is None:
                row = WorkerItem(worker_id=worker.id, item_id=form.item_id.data)
                db.session.add(row)
            row.amount_fen = form.amount.fen
            audit("salaries.item_given", worker.name, item=row.item_id, amount_fen=row.amount_fen)
            commit()
            return redirect(url_for("salaries.worker", worker_id=worker.id), 303)
        return _worker_page(worker, {"item": form}, 422)
    return _worker_page(worker, {}, 422)


@bp.route("/manage/items", methods=["GET", "POST"])
@requires(MANAGE)
def items():
    form = ItemForm()
    if form.validate_on_submit():
        item = Item(name=form.name.data.strip(), kind=form.kind.data,
                    amount_fen=form.amount.fen, everyone=bool(form.everyone.data))  # fmt: skip
        try:
            with db.session.begin_nested():
                db.session.add(item)
        except IntegrityError:
            form.name.errors.append(_("There is already an item of this name."))
        else:
            audit("salaries.item_added", item.name)
            commit()
            return redirect(url_for("salaries.items"), 303)
    rows = db.session.execute(db.select(Item).order_by(Item.kind, Item.name)).scalars()
    status = 422 if request.method == "POST" else 200
    return page("salaries/items.html", form=form, items=list(rows)), status


@bp.route("/manage/budget")
@requires(MANAGE)
def budget_page():
    raw = request.args.get("year")
    year = parse_int(raw) if raw else today().year
    if year is None or not 2000 <= year <= 2100:
        return page("salaries/budget.html", year=today().year, plan=None,
                    error=_("“%(value)s” is not a year.", value=raw),
                    norm=budget.headcount()), 422  # fmt: skip
    return page("salaries/budget.html", year=year, plan=budget.year_plan(year), error=None,
                norm=budget.headcount())  # fmt: skip
