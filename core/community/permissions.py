"""Who may do what in a community: core roles, plugin roles and declared permissions.

One rule, here only: every permission name must be declared (core's below, a plugin's by
its ``permissions`` hook; names are checked when a plugin loads and at start-up, see
``core.plugins.permission_names``). Admin holds every permission; otherwise a permission
is granted to the roles it names in ``default_roles``. Plugins' ``permission_decision``
answers may overrule: any deny wins over any allow whatever the plugin order, and a
decision hook that raises denies (fail closed).
"""

from __future__ import annotations

import logging
import re
from functools import wraps
from pathlib import Path

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select

from core.extensions import db
from core.plugins.gateway import gateway, host
from core.plugins.host import call_impl
from core.plugins.types import Permission
from tenants.context import CommunityScope, current_community, current_scope, membership_key
from tenants.models import CORE_ROLES, Membership, Tenant

log = logging.getLogger("gongzhi.permissions")

CORE_PERMISSIONS = [
    Permission(
        "core.access", {"zh_Hans": "进入社区", "en": "Enter the community"}, ("member", "staff")
    ),
    Permission(
        "core.settings", {"zh_Hans": "管理设置与模块", "en": "Manage settings and modules"}, ()
    ),
    Permission("core.members", {"zh_Hans": "管理成员与角色", "en": "Manage members and roles"}, ()),
    Permission(
        "core.join_requests",
        {"zh_Hans": "审核入住申请", "en": "Answer requests to join"},
        ("staff",),
    ),
    Permission("core.audit", {"zh_Hans": "查看审计日志", "en": "Read the audit log"}, ()),
    Permission("core.export", {"zh_Hans": "导出社区数据", "en": "Export community data"}, ()),
]
ADMIN = CORE_ROLES[0]
_MEMBERSHIP = select(Membership).where(  # built once, run on every community page
    Membership.tenant_id == bindparam("tenant_id"), Membership.user_id == bindparam("user_id")
)


class UndeclaredPermission(LookupError):
    """A permission name nobody declared: a typo that would silently lock people out."""


def _person(user):
    """The user object itself, not Flask-Login's proxy (each proxy access costs a lookup)."""
    user = user if user is not None else current_user
    return user._get_current_object() if hasattr(user, "_get_current_object") else user


def membership(tenant: Tenant | None = None, user=None) -> Membership | None:
    """The user's membership in the community (remembered for the community's scope)."""
    tenant = tenant or current_community()
    user = _person(user)
    if tenant is None or not getattr(user, "is_authenticated", False):
        return None
    return membership_of(tenant, user.id)


def membership_of(tenant: Tenant, user_id: int) -> Membership | None:
    """The membership of a user id, with its user loaded in the same query (the login
    loader on a community page gets the user from here: one query for both)."""
    scope = current_scope()
    memo = scope.cache if isinstance(scope, CommunityScope) else {}
    key = membership_key(tenant.id, user_id)
    if key not in memo:
        memo[key] = db.session.execute(
            _MEMBERSHIP, {"tenant_id": tenant.id, "user_id": user_id}
        ).scalar_one_or_none()
    return memo[key]


def remember_memberships(memberships: list[Membership]) -> None:
    """Memberships a caller already loaded (with their users), so ``has_permission`` on
    each of them in this scope does not read them again."""
    scope = current_scope()
    if not isinstance(scope, CommunityScope):
        return
    for member in memberships:
        scope.cache.setdefault(membership_key(member.tenant_id, member.user_id), member)


def all_permissions() -> dict[str, Permission]:
    """Core's and the loaded plugins' permissions (worked out once per plugin set)."""
    memo = host().memo
    if "all_permissions" not in memo:
        perms = {p.name: p for p in CORE_PERMISSIONS}
        perms.update(host().permissions)
        memo["all_permissions"] = perms
    return memo["all_permissions"]


def declared(permission: str) -> Permission:
    """The declaration of ``permission``; an undeclared name is a bug, raised at once."""
    found = all_permissions().get(permission)
    if found is None:
        raise UndeclaredPermission(f"permission {permission!r} is not declared")
    return found


def has_permission(permission: str, tenant: Tenant | None = None, user=None) -> bool:
    """Whether the user holds ``permission`` in the community (answered once per scope:
    a page asks the same question for its menu, its widgets and its guard)."""
    perm = declared(permission)
    tenant = tenant or current_community()
    user = _person(user)
    member = membership(tenant, user)
    if member is None:
        return False
    scope = current_scope()
    memo = scope.cache if isinstance(scope, CommunityScope) else {}
    key = ("permission", tenant.id, user.id, permission)
    if key not in memo:
        decision = _plugin_decision(tenant, user, permission)
        if decision is None:
            roles = member.roles
            decision = ADMIN in roles or bool(roles & set(perm.default_roles))
        memo[key] = decision
    return memo[key]


def _plugin_decision(tenant: Tenant, user, permission: str) -> bool | None:
    """Every enabled plugin's opinion: a deny (or a raise) wins, then an allow, else None."""
    gw = gateway(tenant)
    answers = []
    for impl in gw.implementations("permission_decision"):
        try:
            answers.append(
                call_impl(impl, {"tenant": tenant, "user": user, "permission": permission})
            )
        except Exception:
            log.exception(
                "permission_decision of %s raised for %s: denying", impl.plugin_name, permission
            )
            return False
    if any(answer is False for answer in answers):
        return False
    if any(answer is True for answer in answers):
        return True
    return None


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
    """Decorate a view: login, membership and ``permission`` in the current community.

    The name is checked against the declared permissions when the plugin loads."""

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


# ----- names are checked at start-up ----------------------------------------------------
# Literal permission names in code and templates: requires("x"), has_permission('x'),
# permission="x" (Widget, NavItem). Names built at run time must still be declared, and
# ``declared()`` raises for them when first used.
_NAME_USE = re.compile(
    r"""(?:\brequires|\bhas_permission|\bpermission\s*=)\s*\(?\s*["']([a-z][\w.]*)["']"""
)
_scanned: dict[tuple[Path, float], list[tuple[str, str]]] = {}


def permission_names_in(folder: Path) -> list[tuple[str, str]]:
    """(name, "file:line") for every literal permission name used under ``folder``."""
    found: list[tuple[str, str]] = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".py", ".html") or "migrations" in path.parts:
            continue
        key = (path, path.stat().st_mtime)
        if key not in _scanned:
            uses = []
            for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                uses += [(m.group(1), f"{path}:{lineno}") for m in _NAME_USE.finditer(line)]
            _scanned[key] = uses
        found += _scanned[key]
    return found


def check_permission_names(app: Flask, core_folders: list[Path]) -> None:
    """Every permission name used is declared: a plugin using an undeclared one fails to
    load with the name in its reason; core using one stops the start (a bug of ours)."""
    plugin_host = app.extensions["gongzhi.plugins"]
    core_names = {p.name for p in CORE_PERMISSIONS}
    for folder in core_folders:
        for name, where in permission_names_in(folder):
            if name.startswith("core.") and name not in core_names:
                raise UndeclaredPermission(f"core uses undeclared permission {name!r} at {where}")
    for record in plugin_host.active():
        uses = permission_names_in(record.package_dir) if record.package_dir else []
        uses += [
            (view.gongzhi_permission, endpoint)
            for endpoint, view in app.view_functions.items()
            if endpoint.split(".")[0].split("_")[0] == record.id
            and getattr(view, "gongzhi_permission", None)
        ]
        known = core_names | set(plugin_host.permissions)
        unknown = sorted({(n, w) for n, w in uses if n not in known}, key=lambda u: u[1])
        if unknown:
            names = ", ".join(sorted({n for n, _ in unknown}))
            plugin_host.mark_failed(
                record.id, f"uses undeclared permission {names} (at {unknown[0][1]})"
            )
