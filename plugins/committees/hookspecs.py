"""The question the committees plugin asks (added with ``pm.add_hookspecs``).

The requests plugin answers it; the committees plugin never imports it. Without the
requests plugin on, nobody answers and a committee simply has no matter queue.
"""

from __future__ import annotations

from core.plugin_api import hookspec


@hookspec
def requests_assigned_to(tenant, assignee_key):
    """The newest community matters assigned to ``assignee_key`` (``"committees:<id>"``).

    Return a list of plain dicts, newest first (at most 200): ``id`` (int), ``number``
    (str), ``title``, ``details``, ``status`` (received, in_progress, replied, closed),
    ``open`` (bool: still waiting for an answer), ``created_at``, ``assigned_at``,
    ``deadline``, ``replied_at``, ``closed_at`` (ISO strings in UTC or None),
    ``closed_how`` (accepted, unreachable or None), ``reply`` and ``rejections`` (how
    often the requester was not satisfied with an answer).

    A committee member answers or hands a matter back by emitting
    ``request_answer_proposed`` or ``request_handed_back`` with ``request_id``,
    ``assignee_key``, ``by_user_id`` and ``text``; the answering plugin applies its own
    rules (docs/hooks.md).
    """


@hookspec
def requests_assignee_figures(tenant, assignee_keys):
    """Counts for the committees' figures, one answer for all keys (a fixed number of
    statements): ``{key: {"assigned", "answered", "open", "answer_seconds",
    "answer_count", "accepted", "rejections"}}`` (ints). ``answer_seconds`` is the sum
    over ``answer_count`` answered matters of the time from assignment to the answer;
    ``accepted`` counts answers the requester accepted, ``rejections`` those they
    rejected.
    """
