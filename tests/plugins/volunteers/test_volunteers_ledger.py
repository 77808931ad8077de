"""The points ledger: integer maths, append-only entries, a kept balance the database
keeps non-negative, and the CLI check that compares balances with their entries."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError
from volunteers_helpers import balance

from core.extensions import db
from plugins.volunteers import ledger
from plugins.volunteers.ledger import mismatches
from plugins.volunteers.models import Balance, Entry, Item
from plugins.volunteers.points import hours_text, parse_hours, points_for


@pytest.mark.parametrize(
    "minutes, rate, pct, expected",
    [
        (60, 10, 100, 10),
        (150, 10, 150, 38),  # 37.5 rounds half up
        (90, 10, 100, 15),
        (20, 10, 100, 3),  # 3.33 → 3
        (45, 10, 100, 8),  # 7.5 → 8
        (1, 10, 100, 0),  # 0.17 → 0
        (1440, 10000, 1000, 2_400_000),
        (0, 10, 100, 0),
        (60, 0, 100, 0),
    ],
)
def test_points_are_hours_times_rate_times_multiplier_rounded_half_up(minutes, rate, pct, expected):
    assert points_for(minutes, rate, pct) == expected


@pytest.mark.parametrize(
    "raw, minutes",
    [("2", 120), ("1.5", 90), ("0.25", 15), ("2,5", 150), (" 24 ", 1440), (".5", 30)],
)
def test_hours_as_typed(raw, minutes):
    assert parse_hours(raw) == minutes


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "0",
        "0.1",
        "25",
        "24.01",
        "-1",
        "1e3",
        "nan",
        "inf",
        "1.234",
        "２",
        "abc",
        "1.5.5",
        "99999999999999",
        None,
    ],
)
def test_unreadable_hours_are_refused(raw):
    assert parse_hours(raw) is None


def test_hours_text():
    assert (hours_text(150), hours_text(120), hours_text(20)) == ("2.5", "2", "0.33")


def test_a_debit_never_overdraws_and_a_reversal_is_a_new_entry(app, vol_on, member, in_community):
    with in_community(vol_on):
        award = ledger.post(member.id, 30, "award", "2 h")
        with pytest.raises(ledger.NotEnoughPoints):
            ledger.post(member.id, -31, "redeem", "too much")
        ledger.post(member.id, -30, "redeem", "all of it")
        with pytest.raises(ledger.NotEnoughPoints):
            ledger.reverse(award, "award was wrong")  # already spent: cannot go negative
        db.session.commit()
        assert ledger.balance_of(member.id) == 0
        assert mismatches() == []


def test_entries_are_append_only(app, vol_on, member, in_community):
    with in_community(vol_on):
        entry = ledger.post(member.id, 10, "award", "1 h")
        db.session.commit()
        entry.amount = 1000
        with pytest.raises(ValueError, match="append-only"):
            db.session.flush()
        db.session.rollback()
        back = ledger.reverse(entry, "mistake")
        assert back.amount == -10 and back.reverses_id == entry.id
        with pytest.raises(ledger.AlreadyReversed):
            ledger.reverse(entry, "twice")
        with pytest.raises(ledger.AlreadyReversed):
            ledger.reverse(back, "reverse the reversal")
        db.session.commit()
        assert ledger.balance_of(member.id) == 0


def test_the_database_refuses_a_negative_balance_or_stock(app, vol_on, member, in_community):
    with in_community(vol_on):
        ledger.post(member.id, 5, "award", "x")
        db.session.add(Item(name="rice", price=5, stock=0))
        db.session.commit()
        with pytest.raises(IntegrityError):
            db.session.execute(sa.update(Balance).values(balance=-1))
            db.session.flush()
        db.session.rollback()
        with pytest.raises(IntegrityError):
            db.session.execute(sa.update(Item).values(stock=-1))
            db.session.flush()
        db.session.rollback()


def test_cli_check_finds_a_balance_that_differs_from_its_entries(app, vol_on, member, in_community):
    with in_community(vol_on):
        ledger.post(member.id, 40, "award", "x")
        db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["volunteers", "balances", "check"])
    assert ok.exit_code == 0, ok.output
    assert "match" in ok.output
    with in_community(vol_on):
        db.session.execute(sa.update(Balance).values(balance=41))  # tampered by hand
        db.session.commit()
    bad = runner.invoke(args=["volunteers", "balances", "check"])
    assert bad.exit_code == 1
    assert f"user {member.id} balance 41 != sum of entries 40" in bad.output


OPS = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(1, 500)),
        st.tuples(st.just("redeem"), st.integers(1, 500)),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
        st.tuples(st.just("cancel"), st.integers(0, 50)),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_any_sequence_keeps_balance_equal_to_entries_and_never_negative(
    app, vol_on, member, in_community, ops
):
    with in_community(vol_on):
        db.session.execute(sa.delete(Balance))
        db.session.execute(sa.text("delete from volunteers_entry"))
        db.session.commit()
        expected = 0
        posted: list[Entry] = []
        for op, n in ops:
            try:
                with db.session.begin_nested():
                    if op == "award":
                        posted.append(ledger.post(member.id, n, "award", "hours"))
                        expected += n
                    elif op == "redeem":
                        posted.append(ledger.post(member.id, -n, "redeem", "shop"))
                        expected -= n
                    elif posted:
                        target = posted[n % len(posted)]
                        ledger.reverse(
                            target, "undo", kind="reversal" if op == "reverse" else "refund"
                        )
                        expected -= target.amount
            except ledger.LedgerError:
                pass
            assert ledger.balance_of(member.id) == expected >= 0
        db.session.commit()
        total = db.session.execute(
            sa.select(sa.func.coalesce(sa.func.sum(Entry.amount), 0)).where(
                Entry.user_id == member.id
            )
        ).scalar_one()
        assert total == expected == ledger.balance_of(member.id)
        assert mismatches() == []
    assert balance(app, vol_on, member.id) == expected
