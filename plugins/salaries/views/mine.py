"""A worker's own payslips: approved runs only, nobody else's."""

from __future__ import annotations

from flask_login import current_user

from core.plugin_api import db, requires
from plugins.salaries.models import Payslip, Run
from plugins.salaries.views import bp, page, payslip_or_404


@bp.route("/")
@requires("salaries.access")
def mine():
    rows = db.session.execute(
        db.select(Payslip, Run)
        .join(Run, Run.id == Payslip.run_id)
        .where(Payslip.member_id == current_user.id, Run.status == "approved")
        .order_by(Run.month.desc(), Run.id.desc())
        .limit(60)
    ).all()
    return page("salaries/mine.html", rows=rows)


@bp.route("/payslips/<int:payslip_id>")
@requires("salaries.access")
def payslip(payslip_id: int):
    slip, run = payslip_or_404(payslip_id)
    return page("salaries/payslip.html", slip=slip, run=run)
