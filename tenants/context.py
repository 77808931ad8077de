"""The community in scope: one carrier, entered one way.

Every unit of work that belongs to a community runs inside ``community_scope(tenant)``:
the request resolver enters it for ``/c/<slug>/…``, and so do CLI commands, event
delivery and retry, lifecycle hooks, demo loading and the test kit. Nothing downstream
re-derives the community from ``flask.g``; it asks :func:`current_community`.

The scope lives in a ContextVar (not ``flask.g``) so that a test's pushed app context and
the requests it makes never share it. Three states:

* a :class:`CommunityScope`: ORM queries on tenant-owned tables are filtered to that
  community, and per-scope caches (enabled plugins, settings, memberships) live on it, so
  they end with the scope and never need clearing by hand;
* ``ALL_TENANTS``: code that must look across communities (the operator console, CLI
  reports) and says so explicitly with :func:`all_tenants`;
* unset: touching a tenant-owned table raises :class:`TenantScopeError` (fail closed).

This module is the ground floor: it knows neither plugins nor Flask.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from tenants.models import Tenant


class _AllTenants:
    def __repr__(self) -> str:
        return "ALL_TENANTS"


ALL_TENANTS: Final = _AllTenants()


class CommunityScope:
    """One community's unit of work: its id, its row, and the caches that live as long."""

    __slots__ = ("tenant_id", "_tenant", "cache")

    def __init__(self, tenant_id: int, tenant: Tenant | None = None) -> None:
        self.tenant_id = int(tenant_id)
        self._tenant = tenant
        # Per-scope memo of facts that do not change within one unit of work; callers key
        # it by what they store ("gateway", ("membership", user_id), a plugin's own key).
        self.cache: dict[Any, Any] = {}

    @property
    def tenant(self) -> Tenant:
        """The community's row, loaded on first use in the current session."""
        tenant = self._tenant
        if tenant is None or _detached(tenant):
            from core.extensions import db
            from tenants.models import Tenant

            tenant = db.session.get(Tenant, self.tenant_id)
            if tenant is None:
                raise TenantScopeError(f"community {self.tenant_id} does not exist")
            self._tenant = tenant
        return tenant

    def __repr__(self) -> str:
        return f"CommunityScope({self.tenant_id})"


def _detached(obj) -> bool:
    state = obj._sa_instance_state  # what sqlalchemy.inspect(obj) returns, without the lookup
    return state.detached and bool(state.expired_attributes)


_scope: ContextVar[CommunityScope | _AllTenants | None] = ContextVar(
    "gongzhi_community_scope", default=None
)
# Listeners that must react when the scope changes inside an open transaction (RLS on PG).
_scope_listeners: list = []


class TenantScopeError(RuntimeError):
    """A tenant-owned table was touched with no community in scope."""


def current_scope() -> CommunityScope | _AllTenants | None:
    return _scope.get()


def current_tenant_id() -> int | None:
    """The id of the community in scope, or None when unset or all-tenants."""
    value = _scope.get()
    return value.tenant_id if isinstance(value, CommunityScope) else None


def current_community() -> Tenant | None:
    """The community in scope (a request, a CLI command, an event, a hook), or None."""
    value = _scope.get()
    return value.tenant if isinstance(value, CommunityScope) else None


def membership_key(tenant_id: int, user_id: int) -> tuple:
    """Where a scope's cache keeps a person's membership (None: not a member)."""
    return ("membership", tenant_id, user_id)


def scope_cache() -> dict:
    """The per-scope cache of the community in scope (an empty throwaway dict outside)."""
    value = _scope.get()
    return value.cache if isinstance(value, CommunityScope) else {}


def set_scope(value: CommunityScope | _AllTenants | None):
    token = _scope.set(value)
    _notify(value)
    return token


def reset_scope(token) -> None:
    _scope.reset(token)
    _notify(_scope.get())


def _notify(value) -> None:
    tenant_id = value.tenant_id if isinstance(value, CommunityScope) else value
    for listener in _scope_listeners:
        listener(tenant_id)


@contextmanager
def community_scope(tenant: Tenant | int) -> Iterator[CommunityScope]:
    """Run a block as one community: ``with community_scope(tenant): …``.

    Entering the community that is already in scope keeps the same scope (and its caches).
    """
    tenant_id = tenant if isinstance(tenant, int) else tenant.id
    here = _scope.get()
    if isinstance(here, CommunityScope) and here.tenant_id == tenant_id:
        yield here
        return
    scope = CommunityScope(tenant_id, None if isinstance(tenant, int) else tenant)
    token = set_scope(scope)
    try:
        yield scope
    finally:
        reset_scope(token)


def tenant_scope(tenant_id: int) -> Any:
    """``community_scope`` by id (kept for plugin API 1.0 callers)."""
    return community_scope(int(tenant_id))


@contextmanager
def all_tenants() -> Iterator[None]:
    """Run a block that deliberately looks across communities."""
    token = set_scope(ALL_TENANTS)
    try:
        yield
    finally:
        reset_scope(token)
