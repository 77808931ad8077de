"""The points ledger: every change is one appended entry and the same change to the kept
balance, in one transaction.

Debits are conditional UPDATEs (``... where balance >= :amount``): two spends racing for
the last points cannot both pass, whatever the database. A reversal is a new entry of the
opposite amount pointing at the one it undoes (at most one reversal per entry, a unique
key), never an edit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.plugin_api import current_tenant_id, db
from plugins.volunteers.models import Balance, Entry


class LedgerError(Exception):
    """A ledger change that cannot be made; ``str()`` is a message for people."""


class NotEnoughPoints(LedgerError):
    pass


class AlreadyReversed(LedgerError):
    pass


def _ensure_balance_row(user_id: int) -> None:
    exists = db.session.execute(
        sa.select(Balance.id).where(Balance.user_id == user_id)
    ).scalar_one_or_none()
    if exists is not None:
        return
    try:
        with db.session.begin_nested():  # another transaction may create it at once
            db.session.add(Balance(user_id=user_id, balance=0))
    except IntegrityError:
        pass


def _move(user_id: int, amount: int) -> None:
    table = Balance.__table__
    where = [table.c.tenant_id == current_tenant_id(), table.c.user_id == user_id]
    if amount < 0:
        where.append(table.c.balance >= -amount)
    else:
        _ensure_balance_row(user_id)
    result = db.session.execute(
        sa.update(table).where(*where).values(balance=table.c.balance + amount)
    )
    if result.rowcount != 1:
        from plugins.volunteers.i18n import _

        raise NotEnoughPoints(_("Not enough points for this."))


def post(
    user_id: int,
    amount: int,
    kind: str,
    reason: str,
    *,
    reference: str = "",
    reverses_id: int | None = None,
    actor_id: int | None = None,
) -> Entry:
    """Append one entry and move the balance with it (not committed). A debit that the
    balance cannot cover raises ``NotEnoughPoints`` and changes nothing."""
    if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
        raise ValueError("a ledger amount is a non-zero integer")
    _move(user_id, amount)
    entry = Entry(
        user_id=user_id,
        amount=amount,
        kind=kind,
        reason=reason[:200],
        reference=reference[:80],
        reverses_id=reverses_id,
        created_by_id=actor_id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def reverse(entry: Entry, reason: str, *, actor_id: int | None = None, kind: str = "reversal"):
    """Undo ``entry`` with an entry of the opposite amount. Undoing an award the member
    has already spent raises ``NotEnoughPoints``; undoing twice ``AlreadyReversed``."""
    from plugins.volunteers.i18n import _

    if entry.reverses_id is not None:
        raise AlreadyReversed(_("A reversal cannot itself be reversed."))
    done = db.session.execute(
        sa.select(Entry.id).where(Entry.reverses_id == entry.id)
    ).scalar_one_or_none()
    if done is not None:
        raise AlreadyReversed(_("This entry has already been reversed."))
    try:
        with db.session.begin_nested():
            return post(
                entry.user_id,
                -entry.amount,
                kind,
                reason,
                reference=entry.reference,
                reverses_id=entry.id,
                actor_id=actor_id,
            )
    except IntegrityError as exc:
        raise AlreadyReversed(_("This entry has already been reversed.")) from exc


def balance_of(user_id: int) -> int:
    value = db.session.execute(
        sa.select(Balance.balance).where(Balance.user_id == user_id)
    ).scalar_one_or_none()
    return int(value or 0)


def mismatches() -> list[tuple[int, int, int]]:
    """(user_id, kept balance, sum of entries) wherever they differ, in the community in
    scope."""
    sums = (
        sa.select(Entry.user_id.label("user_id"), sa.func.sum(Entry.amount).label("total"))
        .group_by(Entry.user_id)
        .subquery()
    )
    kept = sa.select(Balance.user_id, Balance.balance).subquery()
    rows = db.session.execute(
        sa.select(kept.c.user_id, kept.c.balance, sa.func.coalesce(sums.c.total, 0)).join(
            sums, sums.c.user_id == kept.c.user_id, isouter=True
        )
    ).all()
    out = [(u, int(b), int(t)) for u, b, t in rows if int(b) != int(t)]
    orphans = db.session.execute(
        sa.select(sums.c.user_id, sums.c.total).where(
            sums.c.user_id.not_in(sa.select(Balance.user_id))
        )
    ).all()
    out += [(u, 0, int(t)) for u, t in orphans if int(t) != 0]
    return sorted(out)
