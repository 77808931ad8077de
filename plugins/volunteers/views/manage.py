"""Coordinators' lists: categories with their points rates, teams, and open needs matched
with volunteers who have the skills and the time."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for

from core.plugin_api import audit, commit, db, get_members, render, requires
from plugins.volunteers import clock
from plugins.volunteers.forms import CategoryForm, TeamForm
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Activity, Need, Profile, ServiceCategory, Team
from plugins.volunteers.views import bp

WORDS = re.compile(r"[,，、;；/\s]+")


def _one(model, row_id: int):
    found = db.session.execute(sa.select(model).where(model.id == row_id)).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def _name_taken(model, name: str, row_id: int | None) -> bool:
    select = sa.select(model.id).where(model.name == name)
    if row_id is not None:
        select = select.where(model.id != row_id)
    return db.session.execute(select).first() is not None


def _save_named(model, form, row, page: str, template: str):
    if form.validate_on_submit():
        if _name_taken(model, form.name.data, row.id if row else None):
            form.name.errors.append(_("That name is already used."))
        else:
            if row is None:
                row = model()
                db.session.add(row)
            form.populate_obj(row)
            for field in ("description", "contact"):
                if hasattr(row, field) and getattr(row, field) is None:
                    setattr(row, field, "")
            audit(f"volunteers.{model.__tablename__[11:]}_saved", row.name)
            commit()
            flash(_("Saved."), "success")
            return redirect(url_for(page))
    rows = list(db.session.execute(sa.select(model).order_by(model.name)).scalars())
    status = 422 if request.method == "POST" else 200
    return render(template, form=form, rows=rows, row=row), status


@bp.route("/categories", methods=["GET", "POST"])
@requires("volunteers.manage")
def categories_page():
    return _save_named(
        ServiceCategory,
        CategoryForm(),
        None,
        "volunteers.categories_page",
        "volunteers/categories.html",
    )


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@requires("volunteers.manage")
def category_edit(category_id: int):
    row = _one(ServiceCategory, category_id)
    return _save_named(
        ServiceCategory,
        CategoryForm(obj=row),
        row,
        "volunteers.categories_page",
        "volunteers/categories.html",
    )


@bp.route("/teams", methods=["GET", "POST"])
@requires("volunteers.manage")
def teams_page():
    return _save_named(Team, TeamForm(), None, "volunteers.teams_page", "volunteers/teams.html")


@bp.route("/teams/<int:team_id>", methods=["GET", "POST"])
@requires("volunteers.manage")
def team_edit(team_id: int):
    row = _one(Team, team_id)
    return _save_named(
        Team, TeamForm(obj=row), row, "volunteers.teams_page", "volunteers/teams.html"
    )


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORDS.split(text or "") if w}


@bp.route("/needs")
@requires("volunteers.manage")
def needs():
    """Open needs (matters referred by the requests plugin, activities short of people)
    beside the volunteers whose skills match. A bounded number of queries."""
    referred = list(
        db.session.execute(
            sa.select(Need).where(Need.status == "open").order_by(Need.id.desc()).limit(50)
        ).scalars()
    )
    team_names = dict(db.session.execute(sa.select(Team.id, Team.name)).all())
    short = list(
        db.session.execute(
            sa.select(Activity)
            .where(
                Activity.status == "published",
                Activity.ends_at > clock.now(),
                Activity.taken < Activity.slots,
            )
            .order_by(Activity.starts_at)
            .limit(30)
        ).scalars()
    )
    profiles = list(
        db.session.execute(
            sa.select(Profile).where(Profile.skills != "").order_by(Profile.id.desc()).limit(300)
        ).scalars()
    )
    people = get_members(p.user_id for p in profiles)
    matches = {}
    for activity in short:
        wanted = _words(activity.skills)
        matches[activity.id] = [
            (people[p.user_id].name, p.skills, p.availability)
            for p in profiles
            if p.user_id in people and (not wanted or wanted & _words(p.skills))
        ][:8]
    helpers = [
        (people[p.user_id].name, p.skills, p.availability) for p in profiles if p.user_id in people
    ][:30]
    return render(
        "volunteers/needs.html",
        referred=referred,
        team_names=team_names,
        short=short,
        matches=matches,
        helpers=helpers,
    )


@bp.route("/needs/<int:need_id>/met", methods=["POST"])
@requires("volunteers.manage")
def need_met(need_id: int):
    need = _one(Need, need_id)
    need.status = "met"
    commit()
    flash(_("Marked as met."), "success")
    return redirect(url_for("volunteers.needs"))


@bp.route("/figures")
@requires("volunteers.manage")
def figures_page():
    from plugins.volunteers.figures import figures
    from plugins.volunteers.points import hours_text

    return render("volunteers/figures.html", f=figures(), hours_text=hours_text)
