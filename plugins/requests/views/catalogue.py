"""The responsibility list (三事分流责任清单) and the service directory, edited by admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.plugin_api import (
    audit,
    commit,
    db,
    has_permission,
    record_adoption,
    requires,
    shared_template,
    shared_templates,
    template_adoption,
)
from plugins.requests import catalogue as store
from plugins.requests import list_templates
from plugins.requests.forms import CategoryForm, ServiceForm
from plugins.requests.i18n import _
from plugins.requests.list_templates import KIND, PLUGIN
from plugins.requests.models import Category, Request, Service
from plugins.requests.views import bp


@bp.route("/catalogue")
@requires("requests.handle")
def catalogue():
    can_edit = has_permission("requests.manage_catalogue")
    adoption = template_adoption(PLUGIN, KIND)
    return render_template(
        "requests/catalogue.html",
        categories=store.all_categories(),
        services=store.services(),
        can_edit=can_edit,
        adoption=adoption,
        differences=list_templates.differences(adoption.template) if adoption else None,
        templates=shared_templates(PLUGIN, KIND) if can_edit else [],
    )


@bp.route("/catalogue/templates/<key>/<int:version>", methods=["GET", "POST"])
@requires("requests.manage_catalogue")
def adopt_template(key: str, version: int):
    """Review what adopting an office's (or the platform's) list adds, then adopt it."""
    template = shared_template(PLUGIN, KIND, key, version)
    if template is None:  # another office's, or none: as if it did not exist
        abort(404)
    if request.method == "POST":
        done = list_templates.adopt(template)
        record_adoption(template, PLUGIN, KIND, current_user.id)
        audit("requests.template_adopted", f"{key} v{version}")
        commit()
        flash(_("Adopted: %(added)d categories added, %(kept)d kept as you have them.",
                added=len(done.added), kept=len(done.kept)), "success")  # fmt: skip
        return redirect(url_for("requests.catalogue"), 303)
    return render_template(
        "requests/adopt_template.html", template=template, plan=list_templates.plan(template)
    )


def _get_or_404(model, row_id: int):
    row = db.session.execute(db.select(model).where(model.id == row_id)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def _name_taken(name: str, own_id: int | None) -> bool:
    found = db.session.execute(
        db.select(Category.id).where(Category.name == name)
    ).scalar_one_or_none()
    return found is not None and found != own_id


@bp.route("/catalogue/categories/new", methods=["GET", "POST"])
@bp.route("/catalogue/categories/<int:category_id>", methods=["GET", "POST"])
@requires("requests.manage_catalogue")
def category_form(category_id: int | None = None):
    row = _get_or_404(Category, category_id) if category_id else None
    form = CategoryForm(obj=row)
    valid = form.validate_on_submit()
    if valid and _name_taken(form.name.data.strip(), category_id):
        form.name.errors = [_("This category already exists.")]
        valid = False
    if valid:
        row = row or Category()
        form.populate_obj(row)
        row.name = row.name.strip()
        row.position = row.position if row.position is not None else 100
        db.session.add(row)
        commit()
        flash(_("Category saved."), "success")
        return redirect(url_for("requests.catalogue"))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/category_form.html", form=form, row=row), status


@bp.route("/catalogue/categories/<int:category_id>/delete", methods=["POST"])
@requires("requests.manage_catalogue")
def category_delete(category_id: int):
    row = _get_or_404(Category, category_id)
    used = db.session.execute(
        db.select(Request.id).where(Request.category_id == row.id).limit(1)
    ).first()
    if used:
        # The ledger keeps its history: a category in use is switched off, not deleted.
        row.active = False
        commit()
        flash(_("The category is used by requests, so it was switched off instead."), "success")
    else:
        audit("requests.category_deleted", row.name)
        db.session.delete(row)
        commit()
        flash(_("Category deleted."), "success")
    return redirect(url_for("requests.catalogue"))


@bp.route("/catalogue/services/new", methods=["GET", "POST"])
@bp.route("/catalogue/services/<int:service_id>", methods=["GET", "POST"])
@requires("requests.manage_catalogue")
def service_form(service_id: int | None = None):
    row = _get_or_404(Service, service_id) if service_id else None
    form = ServiceForm(obj=row)
    if form.validate_on_submit():
        row = row or Service()
        form.populate_obj(row)
        row.position = row.position if row.position is not None else 100
        db.session.add(row)
        commit()
        flash(_("Service saved."), "success")
        return redirect(url_for("requests.catalogue"))
    status = 422 if request.method == "POST" else 200
    return render_template("requests/service_form.html", form=form, row=row), status


@bp.route("/catalogue/services/<int:service_id>/delete", methods=["POST"])
@requires("requests.manage_catalogue")
def service_delete(service_id: int):
    row = _get_or_404(Service, service_id)
    audit("requests.service_deleted", row.name)
    db.session.delete(row)
    commit()
    flash(_("Service deleted."), "success")
    return redirect(url_for("requests.catalogue"))
