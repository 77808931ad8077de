"""The plugin's blueprint; routes live in the modules imported at the bottom."""

from __future__ import annotations

from flask import Blueprint, abort

from core.plugin_api import current_tenant, db, has_permission, render, to_local, utcnow
from plugins.salaries.models import Payslip, Run, Worker

bp = Blueprint("salaries", "plugins.salaries", template_folder="templates")


def today():
    return to_local(utcnow(), current_tenant().timezone).date()


def can_manage() -> bool:
    return has_permission("salaries.manage")


def worker_or_404(worker_id: int) -> Worker:
    worker = db.session.execute(
        db.select(Worker).where(Worker.id == worker_id)
    ).scalar_one_or_none()
    if worker is None:
        abort(404)
    return worker


def run_or_404(run_id: int) -> Run:
    run = db.session.execute(db.select(Run).where(Run.id == run_id)).scalar_one_or_none()
    if run is None:
        abort(404)
    return run


def payslip_or_404(payslip_id: int) -> tuple[Payslip, Run]:
    """A payslip of this community: its worker sees it once approved, managers always;
    anyone else is told it does not exist."""
    from flask_login import current_user

    row = db.session.execute(
        db.select(Payslip, Run).join(Run, Run.id == Payslip.run_id).where(Payslip.id == payslip_id)
    ).first()
    if row is None:
        abort(404)
    slip, run = row
    own = slip.member_id == current_user.id and run.status == "approved"
    if not own and not can_manage():
        abort(404)
    return slip, run


def page(template: str, **context) -> str:
    """Render one of our templates with our words for stored values."""
    from plugins.salaries import labels
    from plugins.salaries.money import yuan

    return render(
        template,
        sl_posts=labels.POST_LABELS,
        sl_areas=labels.AREA_LABELS,
        sl_certificates=labels.CERTIFICATE_LABELS,
        sl_item_kinds=labels.ITEM_KIND_LABELS,
        sl_status=labels.STATUS_LABELS,
        sl_run_kinds=labels.RUN_KIND_LABELS,
        sl_yuan=yuan,
        sl_line=labels.line_label,
        **context,
    )


from plugins.salaries.views import manage, mine, runs  # noqa: E402,F401  (routes)
