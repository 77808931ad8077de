"""What a resident does: see the week, book, follow and cancel their bookings."""

from __future__ import annotations

from core.plugin_api import render
from plugins.booking.views import bp


@bp.route("/")
def index():
    return render("booking/index.html")
