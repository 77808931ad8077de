"""Staff pages: the funds with their balances, one fund's ledger and budget, setting up a
fund."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from wtforms import SelectChoice

from core.plugin_api import (
    audit,
    commit,
    db,
    get_members,
    members_with_permission,
    paginate,
    render,
    requires,
)
from plugins.funds.figures import budget_vs_actual, year_totals
from plugins.funds.forms import BudgetForm, FundForm
from plugins.funds.i18n import _
from plugins.funds.models import Budget, Fund, FundPerson, Posting
from plugins.funds.views import bp, fund_or_404, funds, settings, today_local


@bp.route("/")
def index():
    return render("funds/index.html", funds=funds())


@bp.route("/<int:fund_id>")
def fund_show(fund_id: int):
    fund = fund_or_404(fund_id)
    page = paginate(
        sa.select(Posting).where(Posting.fund_id == fund.id),
        Posting.id,
        per_page=settings()["per_page"],
    )
    year = today_local().year
    people = db.session.execute(
        sa.select(FundPerson.user_id, FundPerson.role).where(FundPerson.fund_id == fund.id)
    ).all()
    names = get_members(u for u, _r in people)
    return render(
        "funds/fund.html",
        fund=fund,
        page=page,
        year=year,
        budget=budget_vs_actual(fund.id, year),
        managers=[names[u] for u, r in people if r == "manager" and u in names],
        approvers=[names[u] for u, r in people if r == "approver" and u in names],
    )


def _people_choices(form: FundForm) -> None:
    form.managers.choices = [(m.user_id, m.name) for m in members_with_permission("funds.record")]
    form.approvers.choices = [(m.user_id, m.name) for m in members_with_permission("funds.approve")]


def _save_people(fund: Fund, form: FundForm) -> None:
    db.session.execute(sa.delete(FundPerson).where(FundPerson.fund_id == fund.id))
    for role, ids in (("manager", form.managers.data), ("approver", form.approvers.data)):
        for user_id in sorted(set(ids or ())):
            db.session.add(FundPerson(fund_id=fund.id, user_id=user_id, role=role))


def _fund_form(fund: Fund | None):
    form = FundForm(obj=fund)
    _people_choices(form)
    if fund is not None and request.method == "GET":
        people = db.session.execute(
            sa.select(FundPerson.user_id, FundPerson.role).where(FundPerson.fund_id == fund.id)
        ).all()
        form.managers.data = [u for u, r in people if r == "manager"]
        form.approvers.data = [u for u, r in people if r == "approver"]
    if form.validate_on_submit():
        if (
            fund is not None
            and not form.allow_overdraft.data
            and fund.allow_overdraft
            and fund.balance_fen < 0
        ):
            form.allow_overdraft.errors.append(
                _("The fund is overdrawn: it must stay allowed until the balance is back.")
            )
        else:
            if fund is None:
                fund = Fund(balance_fen=0)
                db.session.add(fund)
            fund.name = form.name.data
            fund.purpose = form.purpose.data or ""
            fund.allow_overdraft = form.allow_overdraft.data
            fund.reward_pool = form.reward_pool.data
            fund.active = form.active.data
            db.session.flush()
            if fund.reward_pool:  # one reward pool: the newest choice wins
                db.session.execute(
                    sa.update(Fund).where(Fund.id != fund.id).values(reward_pool=False)
                )
            _save_people(fund, form)
            audit("funds.fund_saved", fund.name)
            commit()
            flash(_("Fund saved."), "success")
            return redirect(url_for("funds.fund_show", fund_id=fund.id))
    status = 422 if request.method == "POST" else 200
    return render("funds/fund_form.html", form=form, fund=fund), status


@bp.route("/new", methods=["GET", "POST"])
@requires("funds.setup")
def fund_new():
    return _fund_form(None)


@bp.route("/<int:fund_id>/edit", methods=["GET", "POST"])
@requires("funds.setup")
def fund_edit(fund_id: int):
    return _fund_form(fund_or_404(fund_id))


@bp.route("/<int:fund_id>/budget", methods=["GET", "POST"])
@requires("funds.setup")
def fund_budget(fund_id: int):
    fund = fund_or_404(fund_id)
    this_year = today_local().year
    form = BudgetForm()
    form.year.choices = [SelectChoice(y, str(y)) for y in range(this_year - 1, this_year + 3)]
    if request.method == "GET":
        form.year.data = this_year
    if form.validate_on_submit():
        budget = db.session.execute(
            sa.select(Budget).where(Budget.fund_id == fund.id, Budget.year == form.year.data)
        ).scalar_one_or_none()
        if budget is None:
            budget = Budget(fund_id=fund.id, year=form.year.data)
            db.session.add(budget)
        budget.income_fen = form.income.data_fen
        budget.spending_fen = form.spending.data_fen
        audit("funds.budget_saved", f"{fund.name} {form.year.data}")
        commit()
        flash(_("Budget saved."), "success")
        return redirect(url_for("funds.fund_show", fund_id=fund.id))
    status = 422 if request.method == "POST" else 200
    return render(
        "funds/budget_form.html", form=form, fund=fund, totals=year_totals(fund.id, this_year)
    ), status
