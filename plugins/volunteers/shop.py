"""The points shop (积分超市): redeem, mark ready, hand over, cancel.

Redeeming takes one from the stock and the price from the balance with two conditional
UPDATEs (``stock >= 1``, ``balance >= price``) in one transaction: under any number of
simultaneous redemptions, exactly as many succeed as there is stock and points, and the
CHECK constraints stop anything that slipped past. Cancelling gives the points back as a
reversal entry and the item back to the stock.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.plugin_api import current_tenant_id, db
from plugins.volunteers import clock, ledger, notifying
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Entry, Item, Redemption


class ShopError(Exception):
    """A redemption that cannot be made; ``str()`` is the message for people."""


def redeem(item: Item, user_id: int) -> Redemption:
    """Not committed; on ``ShopError``/``LedgerError`` the caller rolls back."""
    table = Item.__table__
    taken = db.session.execute(
        sa.update(table)
        .where(
            table.c.tenant_id == current_tenant_id(),
            table.c.id == item.id,
            table.c.active.is_(True),
            table.c.price == item.price,
            table.c.stock >= 1,
        )
        .values(stock=table.c.stock - 1)
    ).rowcount
    if taken != 1:
        raise ShopError(_("Sorry, this item is out of stock."))
    redemption = Redemption(
        item_id=item.id, item_name=item.name, user_id=user_id, points=item.price
    )
    db.session.add(redemption)
    db.session.flush()
    try:
        ledger.post(
            user_id,
            -item.price,
            "redeem",
            _("Redeemed %(item)s", item=item.name),
            reference=f"redemption:{redemption.id}",
            actor_id=user_id,
        )
    except ledger.NotEnoughPoints as exc:
        raise ShopError(_("You need %(price)d points for this.", price=item.price)) from exc
    return redemption


def _move_status(redemption: Redemption, to: str, actor_id: int, allowed: tuple[str, ...]):
    table = Redemption.__table__
    return (
        db.session.execute(
            sa.update(table)
            .where(
                table.c.tenant_id == current_tenant_id(),
                table.c.id == redemption.id,
                table.c.status.in_(allowed),
            )
            .values(status=to, handled_by_id=actor_id, handled_at=clock.now())
        ).rowcount
        == 1
    )


def mark_ready(redemption: Redemption, actor_id: int) -> bool:
    if not _move_status(redemption, "ready", actor_id, ("pending",)):
        return False
    notifying.redemption_ready(redemption)
    return True


def hand_over(redemption: Redemption, actor_id: int) -> bool:
    return _move_status(redemption, "handed_over", actor_id, ("pending", "ready"))


def cancel(redemption: Redemption, actor_id: int) -> bool:
    if not _move_status(redemption, "cancelled", actor_id, ("pending", "ready")):
        return False
    entry = db.session.execute(
        sa.select(Entry).where(
            Entry.reference == f"redemption:{redemption.id}", Entry.kind == "redeem"
        )
    ).scalar_one()
    ledger.reverse(
        entry,
        _("Redemption of %(item)s cancelled: points back", item=redemption.item_name),
        actor_id=actor_id,
        kind="refund",
    )
    table = Item.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.tenant_id == current_tenant_id(), table.c.id == redemption.item_id)
        .values(stock=table.c.stock + 1)
    )
    db.session.refresh(redemption)
    notifying.redemption_cancelled(redemption)
    return True
