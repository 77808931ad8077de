"""Each community's data version: one number, raised in the same transaction as every
write to the community's rows, so anything derived from them (a kept page) knows it is
current by comparing one integer that the request loads anyway with the community.

Noted per session: the tenant ids of rows flushed (inserted, changed, deleted) and, for
statements that write a community-owned table in bulk (``update(Model)``), the community
in scope (every community under ``all_tenants()``). Just before the commit one UPDATE
raises the numbers; a rollback forgets them.
"""

from __future__ import annotations

from itertools import chain

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from tenants.context import current_scope, current_tenant_id
from tenants.models import Tenant

_NOTED = "gongzhi_written_communities"
_EVERY = "every"  # a bulk write to community rows with no single community in scope
_OWN = "gongzhi_data_version"  # marks our own UPDATE, which is not a community write
# Set in ``session.info`` by code writing at a revision before the column existed (tests
# of data migrations): nothing is raised in that session.
OLD_SCHEMA = "gongzhi_before_data_version"


def _noted(session: Session) -> set:
    return session.info.setdefault(_NOTED, set())


@event.listens_for(Session, "after_flush")
def _note_flushed(session: Session, _context) -> None:
    # After a flush the new/dirty/deleted collections still show what was written.
    noted = _noted(session)
    for row in chain(session.new, session.dirty, session.deleted):
        tenant_id = getattr(row, "tenant_id", None)
        if tenant_id is None and isinstance(row, Tenant):
            tenant_id = row.id
        if tenant_id is not None:
            noted.add(tenant_id)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(_OWN):
        return
    table = getattr(state.statement, "table", None)
    if table is None or ("tenant_id" not in table.c and table.name != "tenants"):
        return
    tenant_id = current_tenant_id()
    if tenant_id is not None:
        _noted(state.session).add(tenant_id)
    elif current_scope() is not None or table.name == "tenants":
        _noted(state.session).add(_EVERY)


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    if session.info.get(OLD_SCHEMA):
        session.info.pop(_NOTED, None)
        return
    if session.info.get(_NOTED) is None and not (session.new or session.dirty or session.deleted):
        return
    session.flush()  # what is still pending is noted too
    noted = session.info.pop(_NOTED, None)
    if not noted:
        return
    statement = sa.update(Tenant).values(data_version=Tenant.data_version + 1)
    if _EVERY not in noted:
        statement = statement.where(Tenant.id.in_(sorted(noted)))
    session.execute(statement.execution_options(**{_OWN: True}, synchronize_session=False))


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    session.info.pop(_NOTED, None)
