"""The operator console (平台运营方): every community, creating one, plugin health."""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from core.billing.plans import billing_enabled, effective_plan, plans
from core.community import audit
from core.community.provisioning import create_community_with_admin, slug_taken
from core.extensions import db
from core.models import Subscription
from core.plugins.gateway import host
from core.services.pagination import paginate
from core.services.time import utcnow
from core.web.auth import send_invitation
from core.web.forms import KIND_LABELS, CommunityForm, CommunityProfileForm
from tenants.context import all_tenants, community_scope
from tenants.models import Membership, PluginActivation, Tenant

bp = Blueprint("operator", __name__, url_prefix="/operator")


def operator_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path))
        if not current_user.is_operator:
            abort(403)
        with all_tenants():
            return view(*args, **kwargs)

    return wrapper


@bp.route("/")
@operator_required
def console():
    q = request.args.get("q", "").strip()
    select = db.select(Tenant)
    if q:
        select = select.where(
            db.or_(
                *(c.contains(q) for c in (Tenant.name_zh, Tenant.name_en, Tenant.slug, Tenant.city))
            )
        )
    page = paginate(select, Tenant.id, per_page=50)
    communities = page.items
    ids = [c.id for c in communities]  # figures for this page only: cost stays flat
    counts = dict(
        db.session.execute(
            db.select(Membership.tenant_id, db.func.count())
            .where(Membership.tenant_id.in_(ids))
            .group_by(Membership.tenant_id)
        ).all()
    )
    modules = {}
    for tenant_id, plugin_id in db.session.execute(
        db.select(PluginActivation.tenant_id, PluginActivation.plugin_id).where(
            PluginActivation.enabled.is_(True), PluginActivation.tenant_id.in_(ids)
        )
    ):
        modules.setdefault(tenant_id, []).append(plugin_id)
    return render_template(
        "operator/console.html",
        communities=communities,
        kind_labels=KIND_LABELS,
        counts=counts,
        modules=modules,
        billing=_billing_of(ids),
        q=q,
        page=page,
    )


def _billing_of(ids: list[int]) -> dict | None:
    """Each listed community's plan, state and next invoice (one query; None: billing
    is off)."""
    if not billing_enabled():
        return None
    rows = {
        row.tenant_id: row
        for row in db.session.execute(
            db.select(Subscription).where(Subscription.tenant_id.in_(ids))
        ).scalars()
    }
    now = utcnow()
    return {
        tenant_id: {"plan": effective_plan(rows.get(tenant_id), now), "row": rows.get(tenant_id)}
        for tenant_id in ids
    }


@bp.route("/billing")
@operator_required
def billing():
    """The plans communities can choose, and whether Stripe is set up (docs/billing.md)."""
    return render_template(
        "operator/billing.html",
        billing_on=billing_enabled(),
        plans=plans(),
        webhook_secret=bool(current_app.config.get("STRIPE_WEBHOOK_SECRET")),
        webhook_url=url_for("billing_webhook.stripe_webhook", _external=True),
        grace_days=current_app.config.get("BILLING_GRACE_DAYS", 14),
        past_due_days=current_app.config.get("BILLING_PAST_DUE_DAYS", 7),
    )


@bp.route("/communities/new", methods=["GET", "POST"])
@operator_required
def new_community():
    form = CommunityForm()
    if form.validate_on_submit():
        if slug_taken(form.slug.data):
            form.slug.errors.append(_("This address is taken."))
        else:
            try:
                tenant, token = create_community_with_admin(
                    form.admin_email.data,
                    slug=form.slug.data,
                    name_zh=form.name_zh.data.strip(),
                    name_en=form.name_en.data.strip(),
                    kind=form.kind.data,
                    households=form.households.data,
                    timezone=form.timezone.data,
                    default_locale=form.default_locale.data,
                    street=(form.street.data or "").strip(),
                    city=(form.city.data or "").strip(),
                )
            except IntegrityError:  # another operator took the address a moment ago
                form.slug.errors.append(_("This address is taken."))
            else:
                return _created(tenant, form.admin_email.data, token)
    status = 422 if request.method == "POST" else 200
    return render_template("operator/new_community.html", form=form), status


@bp.route("/communities/<int:tenant_id>/edit", methods=["GET", "POST"])
@operator_required
def edit_community(tenant_id: int):
    """The operator fixes a community's names, address (for the directory) and joining."""
    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        abort(404)
    form = CommunityProfileForm(obj=tenant)
    if form.validate_on_submit():
        form.populate_obj(tenant)
        tenant.street, tenant.city = tenant.street.strip(), tenant.city.strip()
        with community_scope(tenant):
            audit.record("community.edited", tenant.slug)
            db.session.commit()
        flash(_("Community saved."), "success")
        return redirect(url_for("operator.console"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("operator/edit_community.html", form=form, tenant=tenant), status


def _created(tenant: Tenant, admin_email: str, token: str):
    """The community and its invitation are committed; now the mail. If it cannot be sent,
    the operator gets the link to pass on (the invitation is valid either way)."""
    link, sent = send_invitation(tenant, admin_email, token)
    if sent:
        flash(
            _("Community created; the invitation is sent to %(email)s.", email=admin_email),
            "success",
        )
    else:
        flash(
            _(
                "Community created, but the invitation mail to %(email)s could not be sent. "
                "Give the admin this link: %(link)s",
                email=admin_email,
                link=link,
            ),
            "error",
        )
    return redirect(url_for("operator.console"))


@bp.route("/plugins")
@operator_required
def plugins():
    records = sorted(host().plugins.values(), key=lambda r: r.id)
    return render_template("operator/plugins.html", records=records)


@bp.route("/templates")
@operator_required
def shared_templates():
    """What the operator has published for many communities (county pay scales, …), every
    version. Publishing is the owning plugin's command (e.g. ``flask salaries
    publish-scale``), which checks the template's content."""
    from core.models import SharedTemplate

    rows = db.session.execute(
        db.select(SharedTemplate)
        .order_by(SharedTemplate.plugin_id, SharedTemplate.kind, SharedTemplate.key,
                  SharedTemplate.version.desc())
        .limit(500)
    ).scalars()  # fmt: skip
    labels = {r.id: r.meta.label for r in host().plugins.values() if r.meta}
    return render_template("operator/templates.html", rows=list(rows), labels=labels)
