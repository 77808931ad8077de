"""A payroll run's life: started (a draft), calculated (again, while a draft), reviewed,
approved by a second person, then locked for good. Corrections are adjusting runs: the
month worked out again, minus what the month's approved runs already paid, per line.

Every status change is one conditional UPDATE (``... where status = :expected``): of two
people approving at once exactly one changes the row, the other is told it is done.
Payslips are written only by ``calculate``, which first claims the draft the same way
under ``community_lock``; an approved run has no path back to draft.
"""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy.exc import IntegrityError

from core.plugin_api import (
    NotificationKind,
    audit,
    community_lock,
    db,
    notify,
    utcnow,
)
from plugins.salaries.i18n import _, _l
from plugins.salaries.models import Payslip, Run
from plugins.salaries.payroll import Refused, Slip, month_slips

KINDS = [
    NotificationKind(
        "salaries.payslip_ready",
        {"zh_Hans": "我的工资条已发布", "en": "My payslip is ready"},
    ),
]


def start(month: date, user_id: int, note: str = "") -> Run:
    """A regular run for ``month`` (one per month; the database refuses a second)."""
    run = Run(month=month, regular_month=month, kind="regular", prepared_by=user_id, note=note)
    try:
        with db.session.begin_nested():
            db.session.add(run)
    except IntegrityError:
        raise Refused(_("There is already a payroll run for %(month)s.",
                        month=month.strftime("%Y-%m"))) from None  # fmt: skip
    audit("salaries.run_started", month.isoformat())
    return run


def start_adjusting(original: Run, user_id: int, note: str) -> Run:
    """An adjusting run for the month of ``original`` (approved), if no other run of
    that month is still open."""
    community_lock("salaries.runs")
    if original.status != "approved":
        raise Refused(_("Only an approved run is corrected by an adjusting run."))
    open_run = db.session.execute(
        db.select(Run.id).where(Run.month == original.month, Run.status != "approved")
    ).first()
    if open_run:
        raise Refused(_("This month has a run not yet approved: finish that one first."))
    run = Run(month=original.month, kind="adjusting", adjusts_id=original.id,
              prepared_by=user_id, note=note)  # fmt: skip
    db.session.add(run)
    db.session.flush()
    audit("salaries.adjusting_started", original.month.isoformat(), adjusts=original.id)
    return run


def _claim(run: Run, expected: str, **values) -> bool:
    """Move ``run`` on from ``expected`` in one conditional UPDATE; False if it was not
    (any more) in that state."""
    done = db.session.execute(
        db.update(Run).where(Run.id == run.id, Run.status == expected).values(**values)
    ).rowcount
    db.session.refresh(run)
    return bool(done)


def paid_so_far(month: date) -> dict[int, dict[tuple[str, str], int]]:
    """Per worker, per line (code, label), what the month's approved runs paid."""
    paid: dict[int, dict[tuple[str, str], int]] = {}
    rows = db.session.execute(
        db.select(Payslip.worker_id, Payslip.lines)
        .join(Run, Run.id == Payslip.run_id)
        .where(Run.month == month, Run.status == "approved")
    )
    for worker_id, lines in rows:
        mine = paid.setdefault(worker_id, {})
        for line in lines:
            key = (line["code"], line["label"])
            mine[key] = mine.get(key, 0) + line["fen"]
    return paid


def _differences(slips: list[Slip], paid: dict) -> list[Slip]:
    """Each worker's lines minus what was paid: only what changed. A worker absent from
    the month worked out again (no longer paid: the flag is today's, not dated) is left
    as paid; a line that disappeared for a worker still paid is reversed."""
    out = []
    for slip in slips:
        before = dict(paid.get(slip.worker_id, {}))
        diff = Slip(slip.worker_id, slip.member_id, slip.name, slip.post, slip.level)
        for line in slip.lines:
            key = (line["code"], line["label"])
            diff.add(line["code"], line["label"], line["fen"] - before.pop(key, 0))
        for (code, label), fen in before.items():
            diff.add(code, label, -fen)
        if diff.lines:
            out.append(diff)
    return out


def calculate(run: Run) -> int:
    """Work the run's payslips out (again): only while it is a draft. Returns how many."""
    community_lock("salaries.runs")
    if not _claim(run, "draft", calculated_at=utcnow()):
        raise Refused(_("This run is locked; correct it with an adjusting run."))
    slips = month_slips(run.month)
    if run.kind == "adjusting":
        slips = _differences(slips, paid_so_far(run.month))
    db.session.execute(db.delete(Payslip).where(Payslip.run_id == run.id))
    rows = []
    for s in slips:
        deductions = s.deductions_fen
        gross = s.gross_fen
        rows.append(
            {"tenant_id": run.tenant_id, "run_id": run.id, "worker_id": s.worker_id,
             "member_id": s.member_id, "name": s.name, "post": s.post, "level": s.level,
             "gross_fen": gross, "deductions_fen": deductions, "net_fen": gross - deductions,
             "lines": s.lines}
        )  # fmt: skip
    if rows:  # one executemany on the table itself: no ORM bookkeeping per payslip
        db.session.execute(Payslip.__table__.insert(), rows)
    _claim(run, "draft", workers=len(rows), total_fen=sum(r["net_fen"] for r in rows))
    audit("salaries.run_calculated", run.month.isoformat(), run=run.id, workers=len(slips))
    return len(slips)


def review(run: Run, user_id: int) -> None:
    if run.calculated_at is None:
        raise Refused(_("Calculate the run before sending it for approval."))
    if not _claim(run, "draft", status="reviewed", reviewed_by=user_id):
        raise Refused(_("This run is not a draft any more."))
    audit("salaries.run_reviewed", run.month.isoformat(), run=run.id)


def send_back(run: Run) -> None:
    """A reviewed run goes back to draft (to correct before approval)."""
    if not _claim(run, "reviewed", status="draft", reviewed_by=None):
        raise Refused(_("Only a run waiting for approval can be sent back."))
    audit("salaries.run_sent_back", run.month.isoformat(), run=run.id)


def approve(run: Run, user_id: int) -> None:
    """Approve and lock; the approver must not be who prepared the run. Workers with an
    account are told their payslip is ready."""
    if run.prepared_by == user_id:
        raise Refused(_("Someone other than who prepared the run approves it."))
    done = db.session.execute(
        db.update(Run)
        .where(Run.id == run.id, Run.status == "reviewed", Run.prepared_by != user_id)
        .values(status="approved", approved_by=user_id, approved_at=utcnow())
    ).rowcount
    db.session.refresh(run)
    if not done:
        if run.status == "approved":
            raise Refused(_("This run is already approved."))
        raise Refused(_("Only a reviewed run can be approved."))
    audit("salaries.run_approved", run.month.isoformat(), run=run.id, total_fen=run.total_fen)
    members = db.session.execute(
        db.select(Payslip.member_id).where(Payslip.run_id == run.id, Payslip.member_id.is_not(None))
    ).scalars()
    notify(
        list(members),
        "salaries.payslip_ready",
        _l("Your payslip is ready"),
        url_for("salaries.mine"),
    )
