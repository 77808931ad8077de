"""Community pages: dashboard, settings and modules, members and roles, audit log, search,
export, joining, and the public landing page."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from core.community import audit
from core.community import membership as member_changes
from core.community.invitations import add_invitation
from core.community.members import SEARCH_LIMIT, member_label, search_members
from core.community.permissions import has_permission, membership, public, requires
from core.extensions import db
from core.models import AuditEntry
from core.plugins.gateway import gateway, host, run_lifecycle
from core.plugins.settings import encode_form, settings_form
from core.services.exports import Column as ExportColumn
from core.services.exports import export_response
from core.services.i18n import localized
from core.services.pagination import paginate
from core.sqlite import writes_on_get
from core.web.auth import send_invitation
from core.web.forms import ROLE_LABELS, CommunityProfileForm, InviteForm, RolesForm
from core.web.member_picker import option_tags, shows_full_email
from core.web.page_cache import cached_page, kept_fragment
from tenants.context import current_community
from tenants.models import Membership, PluginActivation

bp = Blueprint("community", __name__, url_prefix="/c/<tenant>")


@bp.route("/")
@cached_page
@public  # members get the dashboard; everyone else the community's public page
def dashboard():
    if not current_user.is_authenticated or membership() is None:
        return public_home()
    gw = gateway()
    widgets = []
    for entry in gw.collect("dashboard_widgets", allowed=has_permission, user=current_user):
        if entry.failed:  # the plugin's hook raised: its slot says so
            widgets.append({"plugin": entry.plugin_id, "title": "", "html": entry.item})
            continue
        widget = entry.item
        # The widget's HTML is the plugin's own rendered template: trusted. Kept apart
        # from the page, so a write to one module renders that module's widget only.
        html = gw.run_isolated(
            entry.plugin_id,
            f"widget {widget.id}",
            lambda w=widget, p=entry.plugin_id: kept_fragment(f"widget:{p}:{w.id}", w.render),
        )
        widgets.append({"plugin": entry.plugin_id, "title": localized(widget.title), "html": html})
    return render_template("community/dashboard.html", widgets=widgets)


def public_home():
    links = [
        {
            "label": localized(entry.item.label),
            "url": url_for(entry.item.endpoint, **entry.item.url_values),
            "plugin": entry.plugin_id,
        }
        for entry in gateway().collect("public_pages", allowed=None)
        if not entry.failed  # logged; visitors simply do not get that link
    ]
    return render_template("community/public.html", links=links)


@bp.route("/join", methods=["POST"])
def join():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.signup", next=url_for("community.dashboard")))
    if membership() is None:
        if not current_community().open_registration:
            abort(403)
        if current_community().join_approval:  # staff decide: ask with building and room
            return redirect(url_for("joining.apply"), 303)
        member_changes.add_member(current_user, "member", via="self")
        db.session.commit()
        flash(_("Welcome to %(community)s.", community=current_community().name()), "success")
    return redirect(url_for("community.dashboard"))


# ----- settings and modules ------------------------------------------------------------
def _activation(plugin_id: str) -> PluginActivation | None:
    return db.session.execute(
        db.select(PluginActivation).where(PluginActivation.plugin_id == plugin_id)
    ).scalar_one_or_none()


def _plugin_rows() -> list[dict]:
    gw = gateway()
    return [
        {
            "record": record,
            "enabled": record.id in gw.enabled,
            "has_settings": bool(gw.host.settings_schema(record.id)),
            # What the plan says (None without billing): shown beside a module that is off.
            "plan_refusal": None
            if record.id in gw.enabled or not record.active
            else gw.plan_refusal(record.id),
        }
        for record in sorted(
            gw.host.plugins.values(), key=lambda r: ((r.meta.order if r.meta else 999), r.id)
        )
    ]


@bp.route("/settings", methods=["GET", "POST"])
@requires("core.settings")
def settings():
    tenant = current_community()
    form = CommunityProfileForm(obj=tenant)
    if form.validate_on_submit():
        changed = {
            name: getattr(form, name).data
            for name in (
                "name_zh",
                "name_en",
                "households",
                "timezone",
                "default_locale",
                "open_registration",
                "join_approval",
                "street",
                "city",
            )
            if getattr(tenant, name) != getattr(form, name).data
        }
        form.populate_obj(tenant)
        audit.record("settings.changed", "community", **{k: str(v) for k, v in changed.items()})
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("community.settings"))
    status = 422 if request.method == "POST" else 200
    return render_template("community/settings.html", form=form, plugins=_plugin_rows()), status


@bp.route("/settings/modules/<plugin_id>", methods=["POST"])
@requires("core.settings")
def toggle_plugin(plugin_id: str):
    record = host().get(plugin_id)
    if record is None or not record.active:
        abort(404)
    turn_on = request.form.get("enabled") == "1"
    if record.meta.always_on and not turn_on:
        abort(400)
    problem = _dependency_problem(plugin_id, turn_on)
    if problem:
        flash(problem, "error")
        return _module_row_response(plugin_id, status=409)
    row = _activation(plugin_id)
    if row is None:
        row = PluginActivation(plugin_id=plugin_id, enabled=turn_on, settings={})
        db.session.add(row)
    was_on = row.enabled if row.id else False
    row.enabled = turn_on
    audit.record("plugin.enabled" if turn_on else "plugin.disabled", plugin_id)
    db.session.commit()
    gateway().forget()
    if turn_on != was_on:
        run_lifecycle(plugin_id, "on_enable" if turn_on else "on_disable", current_community())
    flash(
        (_("%(module)s is on.") if turn_on else _("%(module)s is off; its data is kept."))
        % {"module": localized(record.meta.label)},
        "success",
    )
    return _module_row_response(plugin_id)


def _dependency_problem(plugin_id: str, turn_on: bool) -> str | None:
    enabled = gateway().enabled
    record = host().get(plugin_id)
    if turn_on:
        missing = [p for p in record.meta.requires if p not in enabled]
        if missing:
            return _("Turn on %(modules)s first.", modules=", ".join(missing))
        if plugin_id not in enabled:  # the plan is one more input (docs/billing.md)
            return gateway().plan_refusal(plugin_id)
        return None
    needed_by = [p.id for p in host().active() if p.id in enabled and plugin_id in p.meta.requires]
    if needed_by:
        return _("%(modules)s need this module; turn them off first.", modules=", ".join(needed_by))
    return None


def _module_row_response(plugin_id: str, status: int = 200):
    if request.htmx:
        row = next(r for r in _plugin_rows() if r["record"].id == plugin_id)
        return render_template("community/_module_row.html", row=row), status
    return redirect(url_for("community.settings"))


@bp.route("/settings/modules/<plugin_id>/settings", methods=["GET", "POST"])
@requires("core.settings")
def plugin_settings_page(plugin_id: str):
    record = host().get(plugin_id)
    if record is None or not record.active or plugin_id not in gateway().enabled:
        abort(404)
    schema = host().settings_schema(plugin_id)
    row = _activation(plugin_id)
    stored = dict(row.settings or {}) if row else {}
    form = settings_form(
        schema, stored, formdata=request.form if request.method == "POST" else None
    )
    if request.method == "POST" and form.validate():
        if row is None:
            row = PluginActivation(plugin_id=plugin_id, enabled=True, settings={})
            db.session.add(row)
        row.settings = encode_form(schema, form, stored)
        audit.record(
            "plugin.settings", plugin_id, keys=sorted(f.key for f in schema if f.kind != "secret")
        )
        db.session.commit()
        gateway().forget()
        flash(_("Settings saved."), "success")
        return redirect(url_for("community.plugin_settings_page", plugin_id=plugin_id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "community/plugin_settings.html", record=record, form=form, schema=schema
    ), status


# ----- members and roles ---------------------------------------------------------------
@bp.route("/members", methods=["GET", "POST"])
@requires("core.members")
def members():
    form = InviteForm()
    if form.validate_on_submit():
        token = add_invitation(form.email.data, form.role.data)
        audit.record("member.invited", form.email.data.lower(), role=form.role.data)
        db.session.commit()
        link, sent = send_invitation(current_community(), form.email.data, token)
        if sent:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            if request.args.get("show_link"):
                flash(link, "info")
        else:
            flash(
                _(
                    "The invitation mail to %(email)s could not be sent. Give them this "
                    "link: %(link)s",
                    email=form.email.data,
                    link=link,
                ),
                "error",
            )
        return redirect(url_for("community.members"))
    q = request.args.get("q", "").strip()
    select = db.select(Membership)
    if q:
        from core.models import User

        select = select.join(User, User.id == Membership.user_id).where(
            db.or_(User.name.contains(q), User.email.contains(q.lower()))
        )
    page = paginate(select, Membership.id, per_page=50)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "community/members.html", form=form, page=page, q=q, role_names=_role_names()
    ), status


# A form field's name, as the member picker sends it (``field=<name>&<name>=<typed>``).
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


@bp.route("/members/search")
@requires("core.access")
def member_search():
    """Members by name or e-mail, for the member picker: its ``<option>`` list for htmx,
    a page otherwise. At most SEARCH_LIMIT matches, in one bounded query."""
    field = request.args.get("field", "")
    typed = request.args.get(field, "") if FIELD_NAME.fullmatch(field) else ""
    q = (request.args.get("q") or typed).strip()[:100]
    found = search_members(q) if q else []
    if request.htmx:
        return str(option_tags(found))
    full = shows_full_email()
    matches = [(m, member_label(m, full)) for m in found]
    return render_template("community/member_search.html", q=q, matches=matches, limit=SEARCH_LIMIT)


def _role_names() -> dict[str, str]:
    names = {role: str(label) for role, label in ROLE_LABELS.items()}
    enabled = gateway().enabled
    for role in host().roles.values():
        if role.name.split(".")[0] in enabled:
            names[role.name] = localized(role.label)
    return names


def _member_or_404(member_id: int) -> Membership:
    member = db.session.execute(
        db.select(Membership).where(Membership.id == member_id)
    ).scalar_one_or_none()
    if member is None:
        abort(404)
    return member


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
@requires("core.members")
def member_roles(member_id: int):
    member = _member_or_404(member_id)
    names = _role_names()
    form = RolesForm(obj=member)
    form.extra_roles.choices = [SelectChoice(k, v) for k, v in names.items() if "." in k]
    if form.validate_on_submit():
        if member.user_id == current_user.id and form.role.data != "admin":
            form.role.errors.append(_("You cannot remove your own admin role."))
        else:
            member_changes.change_roles(member, form.role.data, form.extra_roles.data)
            db.session.commit()
            flash(_("Roles saved."), "success")
            return redirect(url_for("community.members"))
    status = 422 if request.method == "POST" else 200
    return render_template("community/member.html", member=member, form=form), status


@bp.route("/members/<int:member_id>/remove", methods=["POST"])
@requires("core.members")
def remove_member(member_id: int):
    member = _member_or_404(member_id)
    if member.user_id == current_user.id:
        flash(_("You cannot remove yourself."), "error")
        return redirect(url_for("community.members")), 303
    member_changes.remove_member(member)
    db.session.commit()
    flash(_("Member removed."), "success")
    return redirect(url_for("community.members"))


# ----- audit log ----------------------------------------------------------------------
@bp.route("/audit")
@requires("core.audit")
def audit_log():
    select = db.select(AuditEntry)
    action = request.args.get("action", "").strip()
    if action:
        select = select.where(AuditEntry.action.startswith(action))
    if request.args.get("format") in ("csv", "xlsx"):
        rows = db.session.execute(select.order_by(AuditEntry.id.desc())).scalars()
        columns = [
            ExportColumn(_("When"), "datetime"),
            ExportColumn(_("Who"), width=28),
            ExportColumn(_("Action"), width=22),
            ExportColumn(_("What"), width=28),
            ExportColumn(_("Details"), width=50),
        ]
        return export_response(
            _("Audit log"),
            columns,
            [
                (
                    e.at,
                    e.actor.email if e.actor else "",
                    e.action,
                    e.target,
                    "; ".join(f"{k}: {v}" for k, v in (e.details or {}).items()),
                )
                for e in rows
            ],
            fmt=request.args["format"],
            key="audit",
        )
    page = paginate(select, AuditEntry.id, per_page=50)
    return render_template("community/audit.html", page=page, action=action)


# ----- search and export --------------------------------------------------------------
@bp.route("/search")
@requires("core.access")
def search():
    q = request.args.get("q", "").strip()[:100]
    results = []
    if q:
        collected = gateway().collect(
            "search", allowed=has_permission, user=current_user, query=q, limit=20
        )
        results = [(entry.plugin_id, entry.item) for entry in collected]
    template = "community/_search_results.html" if request.htmx else "community/search.html"
    return render_template(template, q=q, results=results)


# ----- the full export: every module's tables, and what could not be exported --------
NOT_EXPORTED_FILE = "NOT-EXPORTED.txt"


def _collect_exports():
    """Every enabled module's tables; ``failed`` names each module that could not be
    exported: its hook raised, or it is switched on but its plugin is not active."""
    gw = gateway()
    collected = gw.collect("export_data", allowed=None)
    collected.failed += [p for p in gw.switched_on_but_inactive() if p not in collected.failed]
    return collected


@bp.route("/export")
@requires("core.export")
def export_page():
    """What the archive will hold, module by module, and which modules cannot be exported
    now (their failure is logged): said before anyone relies on the archive for a purge."""
    collected = _collect_exports()
    tables: dict[str, list[str]] = {}
    for entry in collected:
        if not entry.failed:
            tables.setdefault(entry.plugin_id, []).append(entry.item.name)
    return render_template("community/export.html", tables=tables, failed=collected.failed)


@bp.route("/export.zip")
@requires("core.export")
@writes_on_get  # the audit line of the export
def export_all():
    collected = _collect_exports()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in collected:
            if entry.failed:
                continue
            table, text = entry.item, io.StringIO()
            writer = csv.writer(text)
            writer.writerow(table.columns)
            writer.writerows(table.rows)
            archive.writestr(f"{entry.plugin_id}/{table.name}.csv", "\ufeff" + text.getvalue())
        if collected.failed:
            archive.writestr(NOT_EXPORTED_FILE, _not_exported_note(collected.failed))
    audit.record("data.exported", "all", not_exported=collected.failed)
    db.session.commit()
    slug = current_community().slug
    headers = {"Content-Disposition": f"attachment; filename={slug}-export.zip"}
    if collected.failed:
        headers["X-Gongzhi-Not-Exported"] = ",".join(collected.failed)
    return Response(buffer.getvalue(), mimetype="application/zip", headers=headers)


def _not_exported_note(failed: list[str]) -> str:
    """In both languages: an archive outlives the page language it was made in."""
    lines = []
    for plugin_id in failed:
        record = host().get(plugin_id)
        labels = record.meta.label if record and record.meta else {}
        lines.append(
            f"{plugin_id}: {labels.get('zh_Hans', plugin_id)} / {labels.get('en', plugin_id)}"
        )
    return (
        "以下模块的数据未能导出（模块出错，详见服务器日志）。\n"
        "These modules' data could not be exported (the module failed; see the server log).\n\n"
        + "\n".join(lines)
        + "\n"
    )
