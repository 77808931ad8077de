"""Questions the booking plugin asks other plugins (added with ``pm.add_hookspecs``).

The booking plugin never imports the volunteers plugin: it asks, and whoever the
community has switched on answers. With nobody answering, a fee is paid at the desk.
"""

from __future__ import annotations

from core.plugin_api import hookspec


@hookspec
def booking_payment_options(tenant, person_id, fee_fen, space_name):
    """Other ways a person may pay a booking's fee than at the desk.

    Per community; asked only when the space costs something: ``fee_fen`` is its fee
    per hour in integer fen (the booking's own fee, for its length, comes with the event
    below). Return a list of dicts ``{"key": "<plugin_id>:<what>", "label": str or
    {"zh_Hans": …, "en": …}, "order": int}``; only keys starting with the answering
    plugin's id are offered.

    The key chosen is stored on the booking and sent with the ``booking_payment_chosen``
    event (``booking_id``, ``person_id``, ``fee_fen``, ``payment``), so the answering
    plugin settles it (for example debits volunteer points) in its own ledger. When the
    booking is cancelled or declined, the ``booking_released`` event (``booking_id``,
    ``payment``) lets it refund.

    Example (a volunteers plugin)::

        @hookimpl
        def booking_payment_options(tenant, person_id, fee_fen):
            points = fee_fen // 100
            if balance(person_id) < points:
                return []
            return [{"key": "volunteers:points", "label": {"zh_Hans": f"{points} 积分",
                     "en": f"{points} points"}, "order": 10}]
    """
