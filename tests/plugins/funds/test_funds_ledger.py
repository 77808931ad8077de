"""The double-entry ledger: integer fen, every posting balances, kept balances and
monthly totals equal the entries, never negative unless allowed, append-only with
reversals, the CLI check, and concurrent disbursements that cannot overdraw."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa
from funds_helpers import DAY, balance, donate, entry_sum, make_fund, month_totals
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from plugins.funds import ledger
from plugins.funds.ledger import mismatches
from plugins.funds.models import Entry, Fund, Month, Posting
from plugins.funds.money import parse_yuan
from tenants.context import tenant_scope


@pytest.mark.parametrize(
    "raw, fen",
    [
        ("200", 20000),
        ("35.5", 3550),
        ("35.50", 3550),
        ("0.01", 1),
        ("1,234.50", 123450),
        (" ¥12 ", 1200),
        ("12,5", 1250),
    ],
)
def test_yuan_as_typed(raw, fen):
    assert parse_yuan(raw) == fen


@pytest.mark.parametrize(
    "raw",
    ["", "0", "0.00", "-5", "1.234", "abc", "１２", "1e3", "nan", "9999999999", None, "1.2.3"],
)
def test_unreadable_amounts_are_refused(raw):
    assert parse_yuan(raw) is None


def test_a_donation_and_a_disbursement_are_balanced_postings(app, funds_on, in_community):
    fund_id = make_fund(in_community, funds_on)
    donate(in_community, funds_on, fund_id, 50_000)
    with in_community(funds_on):
        paid = ledger.post(fund_id, "disbursement", 20_000, DAY, counterparty="互助社")
        db.session.commit()
        entries = db.session.execute(
            sa.select(Entry.account, Entry.amount_fen).order_by(Entry.id)
        ).all()
        assert entries == [
            ("fund", 50_000),
            ("donors", -50_000),
            ("fund", -20_000),
            ("grantees", 20_000),
        ]
        assert paid.amount_fen == -20_000
        assert month_totals(fund_id) == (50_000, 20_000)
        assert mismatches() == []
    assert balance(app, funds_on, fund_id) == 30_000


def test_a_fund_cannot_be_overdrawn_unless_allowed(app, funds_on, in_community):
    strict = make_fund(in_community, funds_on, "严格基金")
    loose = make_fund(in_community, funds_on, "可透支基金", allow_overdraft=True)
    donate(in_community, funds_on, strict, 1_000)
    with in_community(funds_on):
        with pytest.raises(ledger.Overdrawn):
            ledger.post(strict, "disbursement", 1_001, DAY)
        db.session.rollback()
        ledger.post(loose, "disbursement", 5_000, DAY)
        db.session.commit()
        assert ledger.balance_of(loose) == -5_000
        with pytest.raises(IntegrityError):  # the CHECK backs the conditional UPDATE
            db.session.execute(sa.update(Fund).where(Fund.id == strict).values(balance_fen=-1))
            db.session.flush()
        db.session.rollback()


def test_entries_are_append_only_and_corrected_by_reversal(app, funds_on, in_community):
    fund_id = make_fund(in_community, funds_on)
    posting_id = donate(in_community, funds_on, fund_id, 8_000, anonymous=True)
    with in_community(funds_on):
        posting = db.session.get(Posting, posting_id)
        posting.amount_fen = 9_000
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        entry = db.session.execute(sa.select(Entry).limit(1)).scalar_one()
        db.session.delete(entry)
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        posting = db.session.get(Posting, posting_id)
        back = ledger.reverse(posting, "录入错误", DAY)
        assert (back.kind, back.amount_fen, back.reversal_of_id) == ("reversal", -8_000, posting.id)
        assert back.anonymous and back.counterparty == ""
        with pytest.raises(ledger.AlreadyReversed):
            ledger.reverse(posting, "twice", DAY)
        with pytest.raises(ledger.AlreadyReversed):
            ledger.reverse(back, "undo the undo", DAY)
        db.session.commit()
        assert ledger.balance_of(fund_id) == 0
        assert month_totals(fund_id) == (0, 0)
        assert mismatches() == []


def test_reversing_a_donation_already_spent_is_refused(app, funds_on, in_community):
    fund_id = make_fund(in_community, funds_on)
    posting_id = donate(in_community, funds_on, fund_id, 8_000)
    with in_community(funds_on):
        ledger.post(fund_id, "disbursement", 5_000, DAY)
        db.session.commit()
        with pytest.raises(ledger.Overdrawn):
            ledger.reverse(db.session.get(Posting, posting_id), "wrong", DAY)
        db.session.rollback()
        assert ledger.balance_of(fund_id) == 3_000


def test_amounts_are_positive_integers_of_fen(app, funds_on, in_community):
    fund_id = make_fund(in_community, funds_on)
    with in_community(funds_on):
        for bad in (0, -5, 1.5, True, "100"):
            with pytest.raises(ValueError):
                ledger.post(fund_id, "donation", bad, DAY)


def test_cli_check_finds_what_does_not_add_up(app, funds_on, in_community):
    fund_id = make_fund(in_community, funds_on)
    donate(in_community, funds_on, fund_id, 4_000)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["funds", "check"])
    assert ok.exit_code == 0, ok.output
    assert "add up in 1" in ok.output
    with in_community(funds_on):
        db.session.execute(sa.update(Fund).values(balance_fen=4_100))  # tampered by hand
        db.session.execute(sa.update(Month).values(income_fen=1))
        db.session.execute(
            sa.insert(Entry.__table__).values(
                tenant_id=funds_on.id,
                transaction_id=db.session.execute(sa.select(Posting.id)).scalar_one(),
                fund_id=fund_id,
                account="donors",
                amount_fen=-7,
            )
        )
        db.session.commit()
    bad = runner.invoke(args=["funds", "check"])
    assert bad.exit_code == 1
    assert f"fund {fund_id}: balance 4100 != sum of entries 4000" in bad.output
    assert "entries sum to -7" in bad.output
    assert "2026-11: kept (1, 0) != postings (4000, 0)" in bad.output


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("donate"), st.integers(1, 100_000), st.integers(0, 1)),
        st.tuples(st.just("disburse"), st.integers(1, 100_000), st.integers(0, 1)),
        st.tuples(st.just("reverse"), st.integers(0, 60), st.integers(0, 1)),
        st.tuples(st.just("month"), st.integers(1, 12), st.integers(0, 1)),
    ),
    max_size=30,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_sequence_keeps_every_posting_balanced_and_balances_true(
    app, funds_on, in_community, ops
):
    """Donations, grants paid, reversals and month changes in any order, on a fund that
    may not be overdrawn and one that may."""
    with in_community(funds_on):
        for table in ("funds_entry", "funds_transaction", "funds_month", "funds_fund"):
            db.session.execute(sa.text(f"delete from {table}"))
        strict = Fund(name="严格", balance_fen=0)
        loose = Fund(name="可透支", balance_fen=0, allow_overdraft=True)
        db.session.add_all([strict, loose])
        db.session.commit()
        ids = [strict.id, loose.id]
        expected = {strict.id: 0, loose.id: 0}
        posted: list[Posting] = []
        day = date(2026, 1, 15)
        for op, n, which in ops:
            fund_id = ids[which]
            try:
                with db.session.begin_nested():
                    if op == "donate":
                        posted.append(ledger.post(fund_id, "donation", n, day))
                        expected[fund_id] += n
                    elif op == "disburse":
                        posted.append(ledger.post(fund_id, "disbursement", n, day))
                        expected[fund_id] -= n
                    elif op == "month":
                        day = date(2026, n, 15)
                    elif posted:
                        target = posted[n % len(posted)]
                        ledger.reverse(target, "undo", day)
                        expected[target.fund_id] -= target.amount_fen
            except ledger.LedgerError:
                pass
            assert ledger.balance_of(strict.id) == expected[strict.id] >= 0
            assert ledger.balance_of(loose.id) == expected[loose.id]
        db.session.commit()
        for fund_id in ids:
            assert entry_sum(fund_id) == expected[fund_id] == ledger.balance_of(fund_id)
            income, spending = month_totals(fund_id)
            assert income - spending == expected[fund_id]
        per_posting = db.session.execute(
            sa.select(
                Entry.transaction_id, sa.func.sum(Entry.amount_fen), sa.func.count()
            ).group_by(Entry.transaction_id)
        ).all()
        assert all(total == 0 and count == 2 for _p, total, count in per_posting)
        assert mismatches() == []


@pytest.mark.parametrize("threads", [24])
def test_concurrent_disbursements_cannot_overdraw(app, funds_on, in_community, threads):
    """24 disbursements of 10 yuan race for a fund holding 100 yuan: exactly 10 pass."""
    fund_id = make_fund(in_community, funds_on)
    donate(in_community, funds_on, fund_id, 10_000)
    start = threading.Barrier(threads)
    outcomes: list[str] = []
    lock = threading.Lock()

    def pay(n: int) -> None:
        with app.app_context(), tenant_scope(funds_on.id):
            start.wait()
            try:
                ledger.post(fund_id, "disbursement", 1_000, DAY, counterparty=f"项目{n}")
                db.session.commit()
                result = "paid"
            except ledger.Overdrawn:
                db.session.rollback()
                result = "refused"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(result)

    workers = [threading.Thread(target=pay, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(outcomes) == ["paid"] * 10 + ["refused"] * (threads - 10)
    assert balance(app, funds_on, fund_id) == 0
    with in_community(funds_on):
        assert entry_sum(fund_id) == 0
        assert month_totals(fund_id) == (10_000, 10_000)
        assert mismatches() == []
