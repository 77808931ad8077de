"""Which community the current unit of work belongs to.

The scope lives in a ContextVar (not ``flask.g``) so that a test's pushed app context and
the requests it makes never share it. Three states:

* a tenant id: ORM queries on tenant-owned tables are filtered to that community;
* ``ALL_TENANTS``: code that must look across communities (the operator console, CLI
  reports) and says so explicitly with :func:`all_tenants`;
* unset: touching a tenant-owned table raises :class:`TenantScopeError` (fail closed).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final


class _AllTenants:
    def __repr__(self) -> str:
        return "ALL_TENANTS"


ALL_TENANTS: Final = _AllTenants()

_scope: ContextVar[int | _AllTenants | None] = ContextVar("gongzhi_tenant_scope", default=None)
# Listeners that must react when the scope changes inside an open transaction (RLS on PG).
_scope_listeners: list = []


class TenantScopeError(RuntimeError):
    """A tenant-owned table was touched with no community in scope."""


def current_scope() -> int | _AllTenants | None:
    return _scope.get()


def current_tenant_id() -> int | None:
    """The id of the community in scope, or None when unset or all-tenants."""
    value = _scope.get()
    return value if isinstance(value, int) else None


def set_scope(value: int | _AllTenants | None):
    token = _scope.set(value)
    for listener in _scope_listeners:
        listener(value)
    return token


def reset_scope(token) -> None:
    _scope.reset(token)
    for listener in _scope_listeners:
        listener(_scope.get())


@contextmanager
def tenant_scope(tenant_id: int) -> Iterator[None]:
    """Run a block as community ``tenant_id`` (CLI jobs, event handlers, tests)."""
    token = set_scope(int(tenant_id))
    try:
        yield
    finally:
        reset_scope(token)


@contextmanager
def all_tenants() -> Iterator[None]:
    """Run a block that deliberately looks across communities."""
    token = set_scope(ALL_TENANTS)
    try:
        yield
    finally:
        reset_scope(token)
