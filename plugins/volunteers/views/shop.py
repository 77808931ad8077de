"""The points shop: volunteers redeem; staff keep the items and hand things over."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from core.plugin_api import audit, commit, db, get_members, paginate, render, requires
from plugins.volunteers import ledger
from plugins.volunteers import shop as shopping
from plugins.volunteers.forms import ItemForm
from plugins.volunteers.i18n import _
from plugins.volunteers.models import Item, Redemption
from plugins.volunteers.views import bp, settings


def _item_or_404(item_id: int) -> Item:
    item = db.session.execute(sa.select(Item).where(Item.id == item_id)).scalar_one_or_none()
    if item is None:
        abort(404)
    return item


def _render_shop(status: int = 200):
    items = list(
        db.session.execute(
            sa.select(Item).where(Item.active.is_(True)).order_by(Item.price, Item.id).limit(100)
        ).scalars()
    )
    mine = list(
        db.session.execute(
            sa.select(Redemption)
            .where(Redemption.user_id == current_user.id)
            .order_by(Redemption.id.desc())
            .limit(10)
        ).scalars()
    )
    return render(
        "volunteers/shop.html", items=items, mine=mine, balance=ledger.balance_of(current_user.id)
    ), status


@bp.route("/shop")
def shop():
    return _render_shop()


@bp.route("/shop/<int:item_id>/redeem", methods=["POST"])
def redeem(item_id: int):
    item = _item_or_404(item_id)
    try:
        shopping.redeem(item, current_user.id)
    except (shopping.ShopError, ledger.LedgerError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _render_shop(409)
    commit()
    flash(_("Redeemed. Collect it at the service centre."), "success")
    return redirect(url_for("volunteers.shop"))


@bp.route("/shop/manage")
@requires("volunteers.manage")
def shop_manage():
    status = request.args.get("status", "open")
    if status not in ("open", "done"):
        status = "open"
    wanted = ("pending", "ready") if status == "open" else ("handed_over", "cancelled")
    page = paginate(
        sa.select(Redemption).where(Redemption.status.in_(wanted)),
        Redemption.id,
        per_page=settings()["per_page"],
    )
    items = list(db.session.execute(sa.select(Item).order_by(Item.name, Item.id)).scalars())
    people = get_members(r.user_id for r in page.items)
    return render(
        "volunteers/shop_manage.html", page=page, items=items, people=people, status=status
    )


def _item_form_page(form: ItemForm, item: Item | None):
    if form.validate_on_submit():
        if item is None:
            item = Item()
            db.session.add(item)
        form.populate_obj(item)
        item.description = item.description or ""
        audit("volunteers.item_saved", item.name)
        commit()
        flash(_("Item saved."), "success")
        return redirect(url_for("volunteers.shop_manage"))
    status = 422 if request.method == "POST" else 200
    return render("volunteers/item_form.html", form=form, item=item), status


@bp.route("/shop/items/new", methods=["GET", "POST"])
@requires("volunteers.manage")
def item_new():
    return _item_form_page(ItemForm(), None)


@bp.route("/shop/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires("volunteers.manage")
def item_edit(item_id: int):
    item = _item_or_404(item_id)
    return _item_form_page(ItemForm(obj=item), item)


def _redemption_or_404(redemption_id: int) -> Redemption:
    found = db.session.execute(
        sa.select(Redemption).where(Redemption.id == redemption_id)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def _step(redemption_id: int, step, done: str):
    redemption = _redemption_or_404(redemption_id)
    if step(redemption, current_user.id):
        commit()
        flash(done, "success")
    else:
        flash(_("This redemption was already dealt with."), "info")
    return redirect(url_for("volunteers.shop_manage"))


@bp.route("/shop/redemptions/<int:redemption_id>/ready", methods=["POST"])
@requires("volunteers.manage")
def redemption_ready(redemption_id: int):
    return _step(redemption_id, shopping.mark_ready, _("The volunteer is told it is ready."))


@bp.route("/shop/redemptions/<int:redemption_id>/handover", methods=["POST"])
@requires("volunteers.manage")
def redemption_handover(redemption_id: int):
    return _step(redemption_id, shopping.hand_over, _("Marked as handed over."))


@bp.route("/shop/redemptions/<int:redemption_id>/cancel", methods=["POST"])
@requires("volunteers.manage")
def redemption_cancel(redemption_id: int):
    return _step(redemption_id, shopping.cancel, _("Cancelled; the points are back."))
