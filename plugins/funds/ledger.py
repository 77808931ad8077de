"""The double-entry ledger: every posting is a fund entry and an outside entry of the
opposite amount, the fund's kept balance and its month's totals move with it, all in the
caller's transaction.

Debits are a conditional UPDATE (``... where balance_fen + :amount >= 0 or
allow_overdraft``) and the CHECK on ``funds_fund`` backs it: two disbursements racing for
the last yuan cannot both pass, whatever the database. A correction is a reversing
posting pointing at the one it undoes (at most one, a unique key), never an edit.
"""

from __future__ import annotations

import secrets
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from core.plugin_api import current_tenant_id, db
from plugins.funds.models import Entry, Fund, Month, Posting

OUTSIDE = {"donation": "donors", "disbursement": "grantees"}


class LedgerError(Exception):
    """A posting that cannot be made; ``str()`` is a message for people."""


class Overdrawn(LedgerError):
    pass


class AlreadyReversed(LedgerError):
    pass


def _move_balance(fund_id: int, amount: int) -> None:
    table = Fund.__table__
    where = [table.c.tenant_id == current_tenant_id(), table.c.id == fund_id]
    if amount < 0:
        where.append(sa.or_(table.c.balance_fen + amount >= 0, table.c.allow_overdraft))
    result = db.session.execute(
        sa.update(table).where(*where).values(balance_fen=table.c.balance_fen + amount)
    )
    if result.rowcount != 1:
        from plugins.funds.i18n import _

        raise Overdrawn(_("The fund does not hold enough money for this."))


def _add_to_month(fund_id: int, day: date, income: int, spending: int) -> None:
    table = Month.__table__
    where = (
        table.c.tenant_id == current_tenant_id(),
        table.c.fund_id == fund_id,
        table.c.year == day.year,
        table.c.month == day.month,
    )
    values = {
        "income_fen": table.c.income_fen + income,
        "spending_fen": table.c.spending_fen + spending,
        "postings": table.c.postings + 1,
    }
    if db.session.execute(sa.update(table).where(*where).values(**values)).rowcount == 1:
        return
    try:
        with db.session.begin_nested():  # another transaction may create the month at once
            db.session.execute(
                sa.insert(table).values(
                    tenant_id=current_tenant_id(),
                    fund_id=fund_id,
                    year=day.year,
                    month=day.month,
                    income_fen=income,
                    spending_fen=spending,
                    postings=1,
                )
            )
    except IntegrityError:
        db.session.execute(sa.update(table).where(*where).values(**values))


def post(
    fund_id: int,
    kind: str,
    amount_fen: int,
    occurred_on: date,
    *,
    purpose: str = "",
    counterparty: str = "",
    anonymous: bool = False,
    donor_name: str = "",
    method: str | None = None,
    receipt_no: str | None = None,
    reference: str | None = None,
    actor_id: int | None = None,
) -> Posting:
    """Post a donation (``amount_fen`` > 0) or a disbursement (> 0, paid out) to a fund
    (not committed). A disbursement the fund cannot cover raises ``Overdrawn`` and changes
    nothing."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise ValueError("a posting's amount is a positive integer of fen")
    if kind not in OUTSIDE:
        raise ValueError(f"unknown posting kind {kind!r}")
    signed = amount_fen if kind == "donation" else -amount_fen
    return _post(
        fund_id,
        kind,
        signed,
        occurred_on,
        outside=OUTSIDE[kind],
        purpose=purpose,
        counterparty="" if anonymous else counterparty,
        anonymous=anonymous,
        donor_name=donor_name,
        method=method,
        receipt_no=receipt_no or None,
        receipt_token=secrets.token_hex(16) if kind == "donation" else None,
        reference=reference,
        actor_id=actor_id,
    )


def _post(fund_id: int, kind: str, signed: int, occurred_on: date, *, outside: str, **fields):
    _move_balance(fund_id, signed)
    income_kind = outside == "donors"
    _add_to_month(
        fund_id,
        occurred_on,
        income=signed if income_kind else 0,
        spending=0 if income_kind else -signed,
    )
    actor_id = fields.pop("actor_id", None)
    posting = Posting(
        fund_id=fund_id,
        kind=kind,
        amount_fen=signed,
        occurred_on=occurred_on,
        created_by_id=actor_id,
        purpose=(fields.pop("purpose") or "")[:200],
        counterparty=(fields.pop("counterparty") or "")[:120],
        **fields,
    )
    db.session.add(posting)
    db.session.flush()
    db.session.add_all(
        [
            Entry(transaction_id=posting.id, fund_id=fund_id, account="fund", amount_fen=signed),
            Entry(transaction_id=posting.id, fund_id=fund_id, account=outside, amount_fen=-signed),
        ]
    )
    db.session.flush()
    return posting


def outside_account(posting: Posting) -> str:
    return "donors" if posting.amount_fen > 0 else "grantees"


def reverse(posting: Posting, reason: str, on: date, *, actor_id: int | None = None) -> Posting:
    """Undo ``posting`` with one of the opposite amount. Undoing a donation the fund has
    already spent raises ``Overdrawn``; undoing twice or a reversal ``AlreadyReversed``."""
    from plugins.funds.i18n import _

    if posting.kind == "reversal":
        raise AlreadyReversed(_("A reversal cannot itself be reversed."))
    done = db.session.execute(
        sa.select(Posting.id).where(Posting.reversal_of_id == posting.id)
    ).scalar_one_or_none()
    if done is not None:
        raise AlreadyReversed(_("This entry has already been reversed."))
    try:
        with db.session.begin_nested():
            return _post(
                posting.fund_id,
                "reversal",
                -posting.amount_fen,
                on,
                outside=outside_account(posting),
                purpose=reason,
                counterparty=posting.counterparty,
                anonymous=posting.anonymous,
                reversal_of_id=posting.id,
                actor_id=actor_id,
            )
    except IntegrityError as exc:
        raise AlreadyReversed(_("This entry has already been reversed.")) from exc


def balance_of(fund_id: int) -> int:
    value = db.session.execute(
        sa.select(Fund.balance_fen).where(Fund.id == fund_id)
    ).scalar_one_or_none()
    return int(value or 0)


def mismatches() -> list[str]:
    """What does not add up in the community in scope, one line each: a kept balance
    that is not the sum of its fund entries, a posting whose entries do not sum to zero
    or differ from its amount, a month's totals that differ from its postings."""
    out: list[str] = []
    sums = dict(
        db.session.execute(
            sa.select(Entry.fund_id, sa.func.sum(Entry.amount_fen))
            .where(Entry.account == "fund")
            .group_by(Entry.fund_id)
        ).all()
    )
    for fund_id, kept in db.session.execute(sa.select(Fund.id, Fund.balance_fen)).all():
        total = int(sums.get(fund_id) or 0)
        if int(kept) != total:
            out.append(f"fund {fund_id}: balance {kept} != sum of entries {total}")
    fund_side = sa.func.sum(sa.case((Entry.account == "fund", Entry.amount_fen), else_=0))
    unbalanced = db.session.execute(
        sa.select(Posting.id, sa.func.sum(Entry.amount_fen), fund_side, Posting.amount_fen)
        .join(Entry, Entry.transaction_id == Posting.id, isouter=True)
        .group_by(Posting.id, Posting.amount_fen)
        .having(
            sa.or_(
                sa.func.coalesce(sa.func.sum(Entry.amount_fen), 1) != 0,
                fund_side != Posting.amount_fen,
            )
        )
    ).all()
    for posting_id, total, fund_total, amount in unbalanced:
        out.append(
            f"posting {posting_id}: entries sum to {total}, fund side {fund_total} != {amount}"
        )
    out += _month_mismatches()
    return out


def _month_mismatches() -> list[str]:
    income_side = sa.or_(
        Posting.kind == "donation",
        sa.and_(Posting.kind == "reversal", Posting.amount_fen < 0),  # a donation undone
    )
    year = sa.extract("year", Posting.occurred_on)
    month = sa.extract("month", Posting.occurred_on)
    rows = db.session.execute(
        sa.select(
            Posting.fund_id,
            year,
            month,
            sa.func.sum(sa.case((income_side, Posting.amount_fen), else_=0)),
            sa.func.sum(sa.case((income_side, 0), else_=-Posting.amount_fen)),
        ).group_by(Posting.fund_id, year, month)
    ).all()
    computed = {(f, int(y), int(m)): (int(i), int(s)) for f, y, m, i, s in rows}
    kept = {
        (f, y, m): (int(i), int(s))
        for f, y, m, i, s in db.session.execute(
            sa.select(Month.fund_id, Month.year, Month.month, Month.income_fen, Month.spending_fen)
        ).all()
    }
    out = []
    for key in sorted(set(computed) | set(kept)):
        if computed.get(key, (0, 0)) != kept.get(key, (0, 0)):
            out.append(
                f"fund {key[0]} {key[1]}-{key[2]:02d}: kept {kept.get(key, (0, 0))}"
                f" != postings {computed.get(key, (0, 0))}"
            )
    return out
