"""Who may do what in a community: core roles, plugin roles and declared permissions.

One rule, here only: admin holds every permission; otherwise a permission is granted to
the roles it names in ``default_roles``; a plugin's ``permission_decision`` hook may
overrule (and a decision hook that raises denies: fail closed).
"""

from __future__ import annotations

import logging
from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from core.extensions import db
from core.plugins.gateway import host, tenant_hooks
from core.plugins.types import Permission
from tenants.models import Membership, Tenant

log = logging.getLogger("gongzhi.permissions")

CORE_PERMISSIONS = [
    Permission(
        "core.access", {"zh_Hans": "进入社区", "en": "Enter the community"}, ("member", "staff")
    ),
    Permission(
        "core.settings", {"zh_Hans": "管理设置与模块", "en": "Manage settings and modules"}, ()
    ),
    Permission("core.members", {"zh_Hans": "管理成员与角色", "en": "Manage members and roles"}, ()),
    Permission("core.audit", {"zh_Hans": "查看审计日志", "en": "Read the audit log"}, ()),
    Permission("core.export", {"zh_Hans": "导出社区数据", "en": "Export community data"}, ()),
]


def membership(tenant: Tenant | None = None, user=None) -> Membership | None:
    """The user's membership in the community (cached for the request)."""
    tenant = tenant or g.get("tenant")
    user = user if user is not None else current_user
    if tenant is None or not getattr(user, "is_authenticated", False):
        return None
    cache = g.setdefault("_memberships", {})
    key = (tenant.id, user.id)
    if key not in cache:
        cache[key] = db.session.execute(
            db.select(Membership).where(
                Membership.tenant_id == tenant.id, Membership.user_id == user.id
            )
        ).scalar_one_or_none()
    return cache[key]


def all_permissions() -> dict[str, Permission]:
    perms = {p.name: p for p in CORE_PERMISSIONS}
    perms.update(host().permissions)
    return perms


def has_permission(permission: str, tenant: Tenant | None = None, user=None) -> bool:
    tenant = tenant or g.get("tenant")
    user = user if user is not None else current_user
    member = membership(tenant, user)
    if member is None:
        return False
    try:
        decision = tenant_hooks(tenant).permission_decision(
            tenant=tenant, user=user, permission=permission
        )
    except Exception:
        log.exception("permission_decision raised for %s: denying", permission)
        return False
    if decision is not None:
        return bool(decision)
    roles = member.roles
    if "admin" in roles:
        return True
    declared = all_permissions().get(permission)
    return declared is not None and bool(roles & set(declared.default_roles))


def require_login_and(permission: str | None):
    """Answer for a guarded view: a redirect to login, a 403, or None to go on."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path))
    if membership() is None:
        abort(403)
    if permission and not has_permission(permission):
        abort(403)
    return None


def requires(permission: str):
    """Decorate a view: login, membership and ``permission`` in the current community."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            answer = require_login_and(permission)
            if answer is not None:
                return answer
            return view(*args, **kwargs)

        wrapper.gongzhi_permission = permission
        return wrapper

    return decorate


def public(view):
    """Mark a plugin view as open to visitors (public boards, QR check-in pages)."""
    view.gongzhi_public = True
    return view
