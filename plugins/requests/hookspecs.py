"""Hooks the requests plugin asks other plugins (added with ``pm.add_hookspecs``).

They are questions between plugins: the requests plugin never imports the committees or
volunteers plugin; it asks, and whoever the community has enabled answers. Answers are
plain dicts so an answering plugin need not import anything from this one.
"""

from __future__ import annotations

from core.plugin_api import hookspec


@hookspec
def request_assignees(tenant, request):
    """Who can take a community matter (小事, orange) for consultation (一事一议).

    Per community. Return a list of dicts ``{"key": "<plugin_id>:<id>", "label": str or
    {"zh_Hans": …, "en": …}, "order": int}``; the key is stored on the request and sent in
    the ``request_assigned`` event, so the answering plugin recognises its own. Without any
    answer the community's staff are offered.

    Example::

        @hookimpl
        def request_assignees(tenant, request):
            return [{"key": f"committees:{c.id}", "label": c.name, "order": c.position}
                    for c in Committee.query.filter_by(active=True)]
    """


@hookspec
def request_volunteer_referral(tenant, request):
    """Volunteer teams or mutual-aid groups a private matter (私事, yellow) can go to.

    Per community. Return a list of dicts ``{"key": "<plugin_id>:<id>", "label": …,
    "contact": str, "order": int}``. The chosen key is stored on the request and sent in the
    ``request_referred`` event so the volunteers plugin can open a task for it.

    Example::

        @hookimpl
        def request_volunteer_referral(tenant, request):
            return [{"key": "volunteers:7", "label": "党员志愿服务队", "contact": "每周六上午"}]
    """
