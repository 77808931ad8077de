"""A volunteer's record: hours, points, history, honours; the leaderboard with opt-out;
Excel/CSV; a certificate whose code anyone can check on the public page."""

from __future__ import annotations

import re
from datetime import date, timedelta

from volunteers_helpers import BASE, text

from core.extensions import db
from core.testing import read_csv, read_xlsx
from plugins.volunteers import hours
from plugins.volunteers.models import HourLog


def approved_log(
    in_community, community, user_id, category_id, day: date, minutes: int, approver_id: int
) -> None:
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    with in_community(community):
        starts = datetime.combine(day, time(9), ZoneInfo("Asia/Shanghai"))
        log = HourLog(
            user_id=user_id,
            category_id=category_id,
            source="self",
            status="pending",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            work_date=day,
            minutes=minutes,
        )
        db.session.add(log)
        db.session.flush()
        hours.approve(log, approver_id)
        db.session.commit()


def test_my_page_shows_hours_points_history_and_honours(
    app, vol_on, setup, in_community, member, staff, member_client
):
    for n in range(3):  # 3 × 8 h = 24 h: past 优秀志愿者 (20 h), short of 社区最美义工 (100 h)
        approved_log(
            in_community,
            vol_on,
            member.id,
            setup.category_id,
            date(2026, 11, 20 + n),
            480,
            staff.id,
        )
    html = member_client.get(f"{BASE}/me").get_data(as_text=True)
    assert "再服务 76 小时可获得“社区最美义工”称号" in text(html)
    assert 'id="vol-hours">24<' in html
    assert 'id="vol-points">360<' in html  # 8 h × 10 × 1.5 = 120 each
    assert "优秀志愿者" in html
    assert "+120" in html


def test_honours_come_from_the_community_setting(
    app, vol_on, setup, in_community, member, staff, member_client, enable_plugin
):
    enable_plugin(vol_on, "volunteers", honours="社区最美义工=2\n坏行=abc\n=5")
    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2026, 11, 20), 180, staff.id
    )
    html = member_client.get(f"{BASE}/me").get_data(as_text=True)
    assert '<span class="vol-honour"><bdi data-user>社区最美义工</bdi></span>' in html
    assert "优秀志愿者" not in html


def test_leaderboard_by_period_without_those_who_opted_out(
    app, vol_on, setup, in_community, member, staff, make_user, login, member_client
):
    other = make_user("li@alpha.example", vol_on, name="李志愿")
    shy = make_user("shy@alpha.example", vol_on, name="不上榜")
    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2026, 11, 2), 120, staff.id
    )
    approved_log(in_community, vol_on, other.id, setup.category_id, date(2026, 3, 2), 600, staff.id)
    approved_log(in_community, vol_on, shy.id, setup.category_id, date(2026, 11, 3), 900, staff.id)
    shy_client = login(shy)
    assert (
        shy_client.post(
            f"{BASE}/me/profile", data={"skills": "", "leaderboard_opt_out": "y"}
        ).status_code
        == 302
    )

    def names(period):
        html = member_client.get(f"{BASE}/leaderboard?period={period}").get_data(as_text=True)
        return re.findall(r"<td>(\d+)</td><td><bdi data-user>([^<]+)</bdi></td>", html)

    assert names("month") == [("1", "Alpha Member")]
    assert names("year") == [("1", "李志愿"), ("2", "Alpha Member")]
    assert names("all") == names("year")
    assert names("nonsense") == names("month")  # an unknown period falls back
    assert "不上榜" not in member_client.get(f"{BASE}/leaderboard?period=all").get_data(
        as_text=True
    )


def test_downloads_of_hours_and_points(
    app, vol_on, setup, in_community, member, staff, member_client, staff_client
):
    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2026, 11, 20), 150, staff.id
    )
    rows = read_xlsx(member_client.get(f"{BASE}/me/hours.xlsx"))
    assert rows[0][:5] == ["志愿者", "日期", "开始", "结束", "服务时长"]
    assert rows[1][1] == "2026-11-20" and rows[1][4] == 2.5 and rows[1][7] == 38
    points = read_csv(member_client.get(f"{BASE}/me/points.csv"))
    assert points[1][2] == "38" and points[1][3] == "award"
    everyone = read_xlsx(staff_client.get(f"{BASE}/points.xlsx"))
    assert len(everyone) == 2
    assert staff_client.get(f"{BASE}/hours.csv").status_code == 200
    assert member_client.get(f"{BASE}/me/hours.pdf").status_code == 404


def test_certificate_and_its_public_check(
    app, vol_on, setup, in_community, member, staff, member_client, client
):
    assert member_client.post(f"{BASE}/me/certificate").status_code == 302  # no hours: refused
    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2026, 11, 20), 150, staff.id
    )
    issued = member_client.post(f"{BASE}/me/certificate")
    assert issued.status_code == 302
    page = member_client.get(issued.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="vol-code">([A-Z0-9-]+)<', page).group(1)
    assert "兹证明 Alpha Member" in text(page) and "2.5 小时" in page
    # Anyone, signed out, can check it; typed in lower case and without dashes too.
    ok = client.get(f"{BASE}/verify?code={code.lower().replace('-', '')}")
    assert ok.status_code == 200
    assert "证明真实有效：Alpha Member" in text(ok)
    unknown = client.get(f"{BASE}/verify?code=ABCD-EFGH-JKLM")
    assert unknown.status_code == 404 and "没有与该验证码对应的证明" in unknown.get_data(
        as_text=True
    )
    garbage = client.get(f"{BASE}/verify?code=%3Cscript%3E")
    assert garbage.status_code == 422 and "12位字母和数字" in garbage.get_data(as_text=True)
    assert "&lt;script&gt;" in garbage.get_data(as_text=True)
    assert client.get(f"{BASE}/verify").status_code == 200


def test_profile_bad_input_keeps_what_was_typed(vol_on, setup, member_client):
    answer = member_client.post(
        f"{BASE}/me/profile", data={"skills": "x" * 201, "availability": "周六上午"}
    )
    assert answer.status_code == 422 and "周六上午" in answer.get_data(as_text=True)


def test_figures_by_month_and_category_with_needs(
    app, vol_on, setup, in_community, member, staff, staff_client
):
    from plugins.volunteers.models import Need

    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2026, 11, 20), 150, staff.id
    )
    approved_log(in_community, vol_on, member.id, setup.category_id, date(2026, 9, 3), 60, staff.id)
    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2025, 9, 3), 60, staff.id
    )  # more than 12 months ago: not shown
    with in_community(vol_on):
        db.session.add_all(
            [
                Need(request_id=1, number="2026-0001"),
                Need(request_id=2, number="2026-0002", status="met"),
            ]
        )
        db.session.commit()
    html = staff_client.get(f"{BASE}/figures").get_data(as_text=True)
    assert "<svg" in html
    assert re.search(r"<td>2026-11</td><td class=\"vol-num\">2.5</td>", html)
    assert re.search(r"<td>2026-09</td><td class=\"vol-num\">1</td>", html)
    assert "2025-09" not in html and "<td>2025-12</td>" in html
    assert 'id="vol-needs-met">1<' in html and 'id="vol-needs-open">1<' in html


def test_dashboard_widget_shows_points_next_activity_and_work_to_review(
    app, vol_on, setup, in_community, member, staff, member_client, staff_client
):
    member_client.post(f"{BASE}/activities/{setup.activity_id}/signup")
    with in_community(vol_on):
        from plugins.volunteers import ledger

        ledger.post(member.id, 12, "grant", "x")
        db.session.commit()
    html = member_client.get("/c/alpha/").get_data(as_text=True)
    assert 'id="vol-widget-balance">12<' in html and "独居老人上门探访" in html
    from volunteers_helpers import self_report

    self_report(member_client, category_id=setup.category_id)
    assert "1 条服务时长待审核" in staff_client.get("/c/alpha/").get_data(as_text=True)


def test_the_admin_export_carries_hours_points_and_redemptions(
    app, vol_on, setup, in_community, member, staff, admin_client
):
    import io
    import zipfile

    approved_log(
        in_community, vol_on, member.id, setup.category_id, date(2026, 11, 20), 60, staff.id
    )
    answer = admin_client.get("/c/alpha/export.zip")
    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.data)).namelist()
    assert {
        "volunteers/hour_logs.csv",
        "volunteers/points_entries.csv",
        "volunteers/redemptions.csv",
    } <= set(names)
