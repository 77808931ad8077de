"""The community's data export (``export_data``)."""

from __future__ import annotations

from core.plugin_api import ExportTable, db
from plugins.salaries.models import Assignment, Item, Payslip, Run, ScaleVersion, Worker


def tables() -> list[ExportTable]:
    def iso(value):
        return value.isoformat() if value else ""

    def rows(model):
        return db.session.execute(db.select(model).order_by(model.id)).scalars()

    return [
        ExportTable("scale_versions", ["id", "effective_from", "name", "template_key", "rates",
                                       "source_key", "source_version"],
                    [(v.id, iso(v.effective_from), v.name, v.template_key or "",
                      v.rates or "", v.source_key or "", v.source_version or "")
                     for v in rows(ScaleVersion)]),
        ExportTable("workers", ["id", "name", "member_id", "start_date", "certificate", "active"],
                    [(w.id, w.name, w.member_id or "", iso(w.start_date), w.certificate,
                      w.active) for w in rows(Worker)]),
        ExportTable("assignments", ["id", "worker_id", "effective_from", "post", "level"],
                    [(a.id, a.worker_id, iso(a.effective_from), a.post, a.level)
                     for a in rows(Assignment)]),
        ExportTable("items", ["id", "name", "kind", "amount_fen", "everyone", "active"],
                    [(i.id, i.name, i.kind, i.amount_fen, i.everyone, i.active)
                     for i in rows(Item)]),
        ExportTable("runs", ["id", "month", "kind", "adjusts_id", "status", "prepared_by",
                             "approved_by", "workers", "total_fen"],
                    [(r.id, iso(r.month), r.kind, r.adjusts_id or "", r.status, r.prepared_by,
                      r.approved_by or "", r.workers, r.total_fen) for r in rows(Run)]),
        ExportTable("payslips", ["id", "run_id", "worker_id", "name", "post", "level",
                                 "gross_fen", "deductions_fen", "net_fen", "lines"],
                    [(p.id, p.run_id, p.worker_id, p.name, p.post, p.level, p.gross_fen,
                      p.deductions_fen, p.net_fen, p.lines) for p in rows(Payslip)]),
    ]  # fmt: skip
