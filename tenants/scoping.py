"""Every ORM query on a tenant-owned table is filtered to the community in scope.

Views cannot forget the filter: it is added to each SELECT/UPDATE/DELETE (and to lazy
loads) by ``do_orm_execute`` with ``with_loader_criteria``. New rows get the tenant in
scope, and a row for another community cannot be flushed while one is in scope. On
PostgreSQL the same scope is also set per transaction for the row-level security policies
(``tenants.rls``), a second wall that holds even for raw SQL.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from tenants.context import (
    ALL_TENANTS,
    TenantScopeError,
    _scope_listeners,
    current_scope,
    current_tenant_id,
)
from tenants.models import TenantScoped

_installed = False


def _touches_tenant_table(state: ORMExecuteState) -> bool:
    return any(issubclass(m.class_, TenantScoped) for m in state.all_mappers)


def _filter_to_tenant(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.execution_options.get("all_tenants"):
        return
    scope = current_scope()
    if scope is ALL_TENANTS:
        return
    if scope is None:
        if _touches_tenant_table(state):
            raise TenantScopeError("a tenant-owned table was queried with no community in scope")
        return
    criteria = scope.cache.get("tenant_criteria")
    if criteria is None:  # built once per scope: building it costs as much as a small query
        tenant_id = scope.tenant_id
        criteria = scope.cache["tenant_criteria"] = with_loader_criteria(
            TenantScoped, lambda cls: cls.tenant_id == tenant_id, include_aliases=True
        )
    state.statement = state.statement.options(criteria)


def _stamp_new_rows(session: Session, _flush_context, _instances) -> None:
    scope = current_tenant_id()
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if not isinstance(scope, int):
                raise TenantScopeError(f"no community in scope to own a new {type(obj).__name__}")
            obj.tenant_id = scope
        elif isinstance(scope, int) and obj.tenant_id != scope:
            raise TenantScopeError(
                f"{type(obj).__name__} of community {obj.tenant_id} written in scope of {scope}"
            )


def _postgres_scope_sql(scope) -> tuple[str, str]:
    if scope is ALL_TENANTS:
        return "", "on"
    if isinstance(scope, int):
        return str(scope), "off"
    return "", "off"


def apply_scope_to_connection(connection, scope=None) -> None:
    """Set the RLS variables for this transaction (PostgreSQL only).

    ``SET LOCAL`` rather than ``set_config(..., true)``: the same on one PostgreSQL (both end
    with the transaction), but Citus propagates ``SET LOCAL`` to the workers of the
    transaction (``citus.propagate_set_commands = 'local'``) and not ``set_config``. SET
    takes no bind parameters; the values are an int and fixed words.
    """
    if connection.dialect.name != "postgresql":
        return
    if scope is None:
        scope = current_scope()
        scope = ALL_TENANTS if scope is ALL_TENANTS else current_tenant_id()
    tenant, everyone = _postgres_scope_sql(scope)
    if not (tenant == "" or tenant.isdigit()):
        raise ValueError(f"not a community id: {tenant!r}")
    connection.exec_driver_sql(
        f"SET LOCAL app.tenant_id = '{tenant}'; SET LOCAL app.all_tenants = '{everyone}'"
    )


def _after_begin(session: Session, _transaction, connection) -> None:
    apply_scope_to_connection(connection)


def install(db) -> None:
    """Attach the listeners once per process (the ``db`` object is shared by apps)."""
    global _installed
    if _installed:
        return
    _installed = True
    from tenants import data_version  # noqa: F401  (its listeners raise the versions)

    event.listen(Session, "do_orm_execute", _filter_to_tenant)
    event.listen(Session, "before_flush", _stamp_new_rows)
    event.listen(Session, "after_begin", _after_begin)

    def _rescope_open_transaction(scope) -> None:
        # A scope change inside an open PG transaction must reach the RLS variables too.
        try:
            if not db.session.registry.has():  # no session yet (or ended): nothing is open
                return
            session = db.session()
            if session.get_bind().dialect.name != "postgresql" or not session.in_transaction():
                return
            apply_scope_to_connection(session.connection(), scope if scope is not None else "unset")
        except RuntimeError:  # no app context: nothing is open
            return
        except PendingRollbackError:  # the transaction failed; its rollback resets all
            return

    _scope_listeners.append(_rescope_open_transaction)
