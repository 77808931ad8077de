"""挂单销号: a referred major matter past its deadline stands out until it is answered."""

from __future__ import annotations

from datetime import UTC, datetime

from requests_helpers import BASE, report

from plugins.requests import clock


def _freeze(monkeypatch, moment: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_overdue_with_a_frozen_clock(app, requests_on, member_client, staff_client, monkeypatch):
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, a Monday
    _freeze(monkeypatch, start)
    rid = report(member_client, "道路施工噪音，夜里睡不着")
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red"})
    staff_client.post(
        f"{BASE}/{rid}/refer",
        data={"department": "区住房城乡建委", "handler": "李工", "deadline": "2026-03-06"},
    )

    # On the deadline day it is not overdue yet.
    _freeze(monkeypatch, datetime(2026, 3, 6, 15, 0, tzinfo=UTC))  # 23:00 local
    ledger = staff_client.get(f"{BASE}/ledger?overdue=1").get_data(as_text=True)
    assert f'/requests/{rid}"' not in ledger
    assert "⚠" not in staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)

    # The next morning it is: on the request, in the ledger filter and the figure.
    _freeze(monkeypatch, datetime(2026, 3, 7, 1, 0, tzinfo=UTC))
    page = staff_client.get(f"{BASE}/{rid}").get_data(as_text=True)
    assert "⚠" in page and "已超期" in page
    ledger = staff_client.get(f"{BASE}/ledger?overdue=1").get_data(as_text=True)
    assert f'/requests/{rid}"' in ledger and 'data-overdue="1"' in ledger
    assert 'id="fig-overdue">1<' in ledger
    assert "1 件超期" in staff_client.get("/c/alpha/").get_data(as_text=True)

    # Answered, it leaves the open ledger even though the date has passed.
    staff_client.post(f"{BASE}/{rid}/reply", data={"reply": "已限时停工", "outcome": "夜间停工"})
    ledger = staff_client.get(f"{BASE}/ledger?overdue=1").get_data(as_text=True)
    assert f'/requests/{rid}"' not in ledger


def test_a_deadline_in_the_past_is_refused(
    app, requests_on, member_client, staff_client, monkeypatch
):
    _freeze(monkeypatch, datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
    rid = report(member_client)
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red"})
    r = staff_client.post(
        f"{BASE}/{rid}/refer",
        data={"department": "区生态环境局", "handler": "王科长", "deadline": "2026-03-01"},
    )
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "办结时限不能早于今天。" in body and 'value="王科长"' in body


def test_first_response_counted_in_service_hours(
    app, requests_on, member_client, staff_client, monkeypatch
):
    from requests_helpers import load

    # Reported at 22:00 local: the 5-minute clock starts at 08:00 next morning.
    _freeze(monkeypatch, datetime(2026, 3, 2, 14, 0, tzinfo=UTC))
    late = report(member_client, "晚上路灯不亮")
    _freeze(monkeypatch, datetime(2026, 3, 3, 0, 4, tzinfo=UTC))  # 08:04 local
    staff_client.post(f"{BASE}/{late}/classify", data={"kind": "red"})
    assert load(app, requests_on, late).first_response_met is True

    # Reported at 10:00 local and first touched at 10:06: missed.
    _freeze(monkeypatch, datetime(2026, 3, 3, 2, 0, tzinfo=UTC))
    slow = report(member_client, "楼道灯坏了")
    _freeze(monkeypatch, datetime(2026, 3, 3, 2, 6, tzinfo=UTC))
    staff_client.post(f"{BASE}/{slow}/classify", data={"kind": "orange"})
    req = load(app, requests_on, slow)
    assert req.first_response_met is False and req.first_response_seconds == 360
