"""The plugin's blueprint; routes live in the modules imported at the bottom."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort
from wtforms import SelectChoice

from core.plugin_api import current_tenant, db, plugin_settings, to_local, utcnow
from plugins.funds.models import Fund

bp = Blueprint("funds", "plugins.funds", template_folder="templates")


def settings() -> dict:
    return plugin_settings("funds")


def today_local() -> date:
    return to_local(utcnow(), current_tenant().timezone).date()


def fund_or_404(fund_id: int) -> Fund:
    fund = db.session.execute(sa.select(Fund).where(Fund.id == fund_id)).scalar_one_or_none()
    if fund is None:
        abort(404)
    return fund


def funds(active_only: bool = False) -> list[Fund]:
    select = sa.select(Fund).order_by(Fund.id)
    if active_only:
        select = select.where(Fund.active.is_(True))
    return list(db.session.execute(select.limit(200)).scalars())


DATA = {"data-user": ""}  # option labels are what people typed (names)


def fund_choices() -> list[SelectChoice]:
    return [SelectChoice(f.id, f.name, DATA) for f in funds(active_only=True)]


from plugins.funds.views import (  # noqa: E402,F401  (routes register on bp)
    donations,
    grants,
    manage,
    online,
    public,
)
