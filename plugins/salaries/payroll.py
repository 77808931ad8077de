"""A month's pay, worked out in Python from a few bulk queries (no query per worker), so
10,000 workers take well under two seconds.

Lines of a payslip, in this order: the base by the scale in force on the first day of the
month (post, level and area); seniority (工龄: whole years from the start date to the
first day of the month, times the amount per year, up to the cap); the certificate
allowance (初级 / 中级 social worker); the appraisal line (the month's score turned into a
percentage of the base by the community's rule, minus 100 %: 110 % pays 10 % of the base
more, 90 % takes 10 % off); the admin's allowances and deductions. A post or level change
counts from the month whose first day it is in force on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from core.plugin_api import current_tenant, db, plugin_settings
from plugins.salaries.i18n import _
from plugins.salaries.models import Appraisal, Assignment, Item, Worker, WorkerItem
from plugins.salaries.money import percent_of
from plugins.salaries.scales import Scale, scale_in_force


class Refused(Exception):
    """A step that cannot be done; ``message`` is in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Slip:
    worker_id: int
    member_id: int | None
    name: str
    post: str
    level: int
    # {"code", "label", "fen"}: the label is data, not words (a certificate's kind, the
    # years of seniority, "score:percent", an item's name): pages put it in words.
    lines: list[dict] = field(default_factory=list)

    def add(self, code: str, label: str, fen: int) -> None:
        if fen:
            self.lines.append({"code": code, "label": label, "fen": fen})

    @property
    def deductions_fen(self) -> int:
        return -sum(line["fen"] for line in self.lines if line["code"] == "deduction")

    @property
    def gross_fen(self) -> int:
        return sum(line["fen"] for line in self.lines if line["code"] != "deduction")

    @property
    def net_fen(self) -> int:
        return self.gross_fen - self.deductions_fen


@dataclass(frozen=True)
class Rules:
    """The community's settings that turn facts into money."""

    junior_fen: int
    intermediate_fen: int
    seniority_fen: int  # per whole year
    seniority_max_years: int
    appraisal_bands: tuple[tuple[int, int], ...]  # (lowest score, percent), highest first

    def coefficient(self, score: int) -> int:
        for lowest, percent in self.appraisal_bands:
            if score >= lowest:
                return percent
        return 100


def parse_bands(text: str) -> tuple[tuple[int, int], ...]:
    """``"90:110, 75:100, 60:90, 0:80"`` -> ((90, 110), (75, 100), (60, 90), (0, 80)):
    a score at or above the first number earns the second as a percentage of the base."""
    bands = []
    for part in text.replace("，", ",").replace("：", ":").split(","):
        if not part.strip():
            continue
        lowest, _sep, percent = part.partition(":")
        try:
            band = (int(lowest.strip()), int(percent.strip()))
        except ValueError:
            raise Refused(
                _("The appraisal rule “%(rule)s” cannot be read; write it like "
                  "90:110, 75:100, 60:90, 0:80 in the settings.", rule=text)
            ) from None  # fmt: skip
        if not (0 <= band[0] <= 100 and 0 <= band[1] <= 300):
            raise Refused(_("Appraisal scores go from 0 to 100 and percentages from 0 to 300."))
        bands.append(band)
    return tuple(sorted(bands, reverse=True))


def community_rules() -> Rules:
    s = plugin_settings("salaries")
    return Rules(
        junior_fen=s["junior_allowance_yuan"] * 100,
        intermediate_fen=s["intermediate_allowance_yuan"] * 100,
        seniority_fen=s["seniority_yuan_per_year"] * 100,
        seniority_max_years=s["seniority_max_years"],
        appraisal_bands=parse_bands(s["appraisal_rule"]),
    )


def whole_years(start: date, on: date) -> int:
    years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
    return max(years, 0)


def month_end(month: date) -> date:
    from calendar import monthrange

    return month.replace(day=monthrange(month.year, month.month)[1])


@dataclass
class Inputs:
    """Everything a month's pay depends on, read in a fixed number of queries."""

    workers: list[tuple]  # (id, member_id, name, start_date, certificate)
    assignment: dict[int, tuple[str, int]]  # worker id -> (post, level) in force
    items: list[tuple]  # (id, name, kind, amount_fen, everyone)
    given: dict[tuple[int, int], int]  # (worker id, item id) -> amount
    scores: dict[int, int]  # worker id -> the month's appraisal score


def worker_rows(until: date) -> list[tuple]:
    """Paid workers who started by ``until``: (id, member_id, name, start_date, certificate)."""
    return list(
        db.session.execute(
            db.select(Worker.id, Worker.member_id, Worker.name, Worker.start_date,
                      Worker.certificate)
            .where(Worker.active.is_(True), Worker.start_date <= until)
            .order_by(Worker.id)
        ).all()
    )  # fmt: skip


def assignment_rows(until: date) -> list[tuple]:
    """(worker_id, effective_from, post, level) in force by ``until``, oldest first."""
    return list(
        db.session.execute(
            db.select(Assignment.worker_id, Assignment.effective_from, Assignment.post,
                      Assignment.level)
            .where(Assignment.effective_from <= until)
            .order_by(Assignment.worker_id, Assignment.effective_from)
        ).all()
    )  # fmt: skip


def in_force(rows: list[tuple], on: date) -> dict[int, tuple[str, int]]:
    """Each worker's (post, level) on ``on`` from ``assignment_rows`` (the latest wins)."""
    found: dict[int, tuple[str, int]] = {}
    for worker_id, effective_from, post, level in rows:
        if effective_from <= on:
            found[worker_id] = (post, level)
    return found


def item_rows() -> tuple[list[tuple], dict[tuple[int, int], int]]:
    """Active items (id, name, kind, amount_fen, everyone) and who is given which."""
    items = db.session.execute(
        db.select(Item.id, Item.name, Item.kind, Item.amount_fen, Item.everyone)
        .where(Item.active.is_(True))
        .order_by(Item.kind, Item.id)
    ).all()
    given = {
        (w, i): fen
        for w, i, fen in db.session.execute(
            db.select(WorkerItem.worker_id, WorkerItem.item_id, WorkerItem.amount_fen)
        )
    }
    return list(items), given


def load_inputs(month: date) -> Inputs:
    items, given = item_rows()
    scores = dict(
        db.session.execute(
            db.select(Appraisal.worker_id, Appraisal.score).where(Appraisal.month == month)
        ).all()
    )
    assignment = in_force(assignment_rows(month), month)
    return Inputs(worker_rows(month_end(month)), assignment, items, given, scores)


def compute(month: date, scale: Scale, area: str, rules: Rules, inputs: Inputs) -> list[Slip]:
    """Every worker's payslip for ``month`` (workers without a post then are left out)."""
    slips = []
    for worker_id, member_id, name, start, certificate in inputs.workers:
        post_level = inputs.assignment.get(worker_id)
        if post_level is None:
            continue
        post, level = post_level
        slip = Slip(worker_id, member_id, name, post, level)
        base = scale.base(post, area, level)
        slip.add("base", "", base)
        years = min(whole_years(start, month), rules.seniority_max_years)
        slip.add("seniority", str(years), years * rules.seniority_fen)
        if certificate == "junior":
            slip.add("certificate", "junior", rules.junior_fen)
        elif certificate == "intermediate":
            slip.add("certificate", "intermediate", rules.intermediate_fen)
        score = inputs.scores.get(worker_id)
        if score is not None:
            percent = rules.coefficient(score)
            slip.add("appraisal", f"{score}:{percent}", percent_of(base, percent - 100))
        for item_id, item_name, kind, amount, everyone in inputs.items:
            fen = inputs.given.get((worker_id, item_id), amount if everyone else 0)
            slip.add(kind, item_name, fen if kind == "allowance" else -fen)
        slips.append(slip)
    return slips


def month_slips(month: date) -> list[Slip]:
    """The month's payslips by the data as it is now and the scale in force."""
    scale = scale_in_force(month)
    if scale is None:
        raise Refused(_("There is no pay scale in force on %(day)s.", day=month.isoformat()))
    return compute(month, scale, current_tenant().kind, community_rules(), load_inputs(month))
