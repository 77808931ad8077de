"""Templates down: an office publishes a template (a responsibility list, a pay scale, a
set of committees) that the communities under it adopt and adapt in their own modules.

The plugins declare the kinds (``template_kinds``) and own the text format; the versions
are shared templates keyed ``"@<office slug>"`` (``core.community.shared_templates``);
adoptions are recorded per community by the plugin that copies the template.
"""

from __future__ import annotations

from datetime import date

from core.community.shared_templates import (
    TemplateVersion,
    office_key,
    publish_office_template,
    shared_template_versions,
)
from core.extensions import db
from core.models import TemplateAdoption
from core.offices import access
from core.offices.models import Office
from core.plugins.gateway import host
from core.plugins.types import BadTemplate, TemplateKind


def kinds() -> list[TemplateKind]:
    """Every kind of template the loaded plugins let offices publish, in order."""
    return sorted(host().template_kinds.values(), key=lambda k: (k.order, k.key))


def kind(key: str) -> TemplateKind | None:
    return host().template_kinds.get(key)


def split(kind: TemplateKind) -> tuple[str, str]:
    """``("requests", "responsibilities")`` from ``requests.responsibilities``."""
    plugin_id, _, name = kind.key.partition(".")
    return plugin_id, name


def versions(office: Office, kind: TemplateKind) -> list[TemplateVersion]:
    """The office's versions of its template of ``kind``, oldest first."""
    return shared_template_versions(*split(kind), office_key(office))


def publish(
    office: Office, kind: TemplateKind, text: str, effective_from: date, by: int
) -> TemplateVersion:
    """Parse the office's text with the plugin's rule and publish it as the next version.
    ``BadTemplate`` (the plugin's message) when the text cannot be used; the caller
    commits."""
    try:
        payload = kind.parse(text)
    except ValueError as exc:  # BadTemplate, or a plugin's plain ValueError: the user's
        raise BadTemplate(str(exc)) from exc
    if not isinstance(payload, dict):
        raise TypeError(f"{kind.key}: parse must return a dict, not {type(payload).__name__}")
    return publish_office_template(office, *split(kind), payload, effective_from, by)


def adopted_versions(office: Office, kind: TemplateKind) -> dict[int, int]:
    """``{community id: version}``: the newest version of the office's template each of
    its communities has adopted (read inside ``all_tenants()``)."""
    plugin_id, name = split(kind)
    rows = db.session.execute(
        db.select(TemplateAdoption.tenant_id, db.func.max(TemplateAdoption.version))
        .where(
            TemplateAdoption.plugin_id == plugin_id,
            TemplateAdoption.kind == name,
            TemplateAdoption.key == office_key(office),
            TemplateAdoption.tenant_id.in_(access.community_ids_select(office)),
        )
        .group_by(TemplateAdoption.tenant_id)
    )
    return {tenant_id: version for tenant_id, version in rows}
