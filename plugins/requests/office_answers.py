"""The street office's answer to a referred 大事 (core event ``office_answered``)."""

from __future__ import annotations

from core.plugin_api import current_tenant, db, parse_id, plugin_settings
from plugins.requests import workflow
from plugins.requests.models import Request
from plugins.requests.sla import Targets


def record(payload: dict) -> None:
    reference = str(payload.get("reference", ""))
    if not reference.startswith("requests:"):
        return  # another plugin's matter
    req = db.session.get(Request, parse_id(reference.split(":", 1)[1]) or 0)
    if req is None:
        return
    targets = Targets.from_settings(plugin_settings("requests"), current_tenant().timezone)
    workflow.office_answered(req, targets, str(payload.get("office", "")), str(payload["answer"]))
