"""Desk donations, receipts, corrections and grants through the pages: two-person
approval, payment with an invoice, permissions, bad input and notifications."""

from __future__ import annotations

import io

import sqlalchemy as sa
from funds_helpers import BASE, balance, donate, grant_row, make_fund, postings

from core.extensions import db
from core.models import Notification
from plugins.funds.models import Attachment, Grant
from tenants.context import all_tenants


def _donation(fund, **extra):
    return {
        "fund_id": str(fund),
        "amount": "200.50",
        "method": "cash",
        "receipt_no": "YG-0001",
        "donor_name": "张秀英",
        "occurred_on": "2026-11-20",
        "purpose": "助老",
        **extra,
    }


def test_disabled_means_not_found(community, member_client):
    assert member_client.get(f"{BASE}/").status_code == 404
    assert member_client.get(f"{BASE}/public").status_code == 404


def test_staff_record_a_donation_once_and_print_its_receipt(
    app, funds_on, in_community, staff_client
):
    fund_id = make_fund(in_community, funds_on)
    form = staff_client.get(f"{BASE}/donations/new?fund={fund_id}").get_data(as_text=True)
    assert "登记捐赠" in form
    data = _donation(fund_id, idempotency_key="a" * 32)
    first = staff_client.post(f"{BASE}/donations/new", data=data)
    assert first.status_code == 302
    again = staff_client.post(f"{BASE}/donations/new", data=data)  # a double submit
    assert again.status_code == 302 and again.location == first.location
    assert balance(app, funds_on, fund_id) == 20_050
    receipt = staff_client.get(first.location).get_data(as_text=True)
    assert "捐赠收据" in receipt and "¥200.50" in receipt and "张秀英" in receipt
    [posting] = postings(app, funds_on)
    public = staff_client.get(f"{BASE}/receipt/{posting.receipt_token}")
    assert public.status_code == 200 and "¥200.50" in public.get_data(as_text=True)


def test_bad_donation_input_is_a_422_that_keeps_what_was_typed(
    app, funds_on, in_community, staff_client
):
    fund_id = make_fund(in_community, funds_on)
    for field, value, message in [
        ("amount", "-3", "请填写大于零的金额"),
        ("amount", "1.234", "请填写大于零的金额"),
        ("amount", "一百", "请填写大于零的金额"),
        ("receipt_no", "", "请填写此项"),
        ("occurred_on", "2026-13-01", ""),
        ("fund_id", "999999", ""),
    ]:
        answer = staff_client.post(
            f"{BASE}/donations/new", data=_donation(fund_id, **{field: value})
        )
        html = answer.get_data(as_text=True)
        assert answer.status_code == 422, (field, value)
        assert message in html and "张秀英" in html
    donate(in_community, funds_on, fund_id, 100, receipt_no="YG-0001")
    taken = staff_client.post(f"{BASE}/donations/new", data=_donation(fund_id))
    assert taken.status_code == 422 and "该收据编号已被使用" in taken.get_data(as_text=True)
    assert balance(app, funds_on, fund_id) == 100


def test_only_treasurers_record_and_only_admins_set_up(
    funds_on, in_community, member_client, staff_client, admin_client
):
    fund_id = make_fund(in_community, funds_on)
    assert member_client.get(f"{BASE}/").status_code == 200
    assert member_client.get(f"{BASE}/donations/new").status_code == 403
    assert member_client.post(f"{BASE}/donations/new", data=_donation(fund_id)).status_code == 403
    assert staff_client.get(f"{BASE}/new").status_code == 403
    made = admin_client.post(
        f"{BASE}/new", data={"name": "微公益基金", "purpose": "微项目", "active": "y"}
    )
    assert made.status_code == 302
    empty = admin_client.post(f"{BASE}/new", data={"name": "", "active": "y"})
    assert empty.status_code == 422 and "请填写此项" in empty.get_data(as_text=True)


def test_a_correction_is_a_reversing_entry(app, funds_on, in_community, staff_client):
    fund_id = make_fund(in_community, funds_on)
    posting_id = donate(in_community, funds_on, fund_id, 5_000)
    assert (
        staff_client.post(f"{BASE}/postings/{posting_id}/reverse", data={"reason": ""}).status_code
        == 422
    )
    done = staff_client.post(f"{BASE}/postings/{posting_id}/reverse", data={"reason": "录错金额"})
    assert done.status_code == 302
    twice = staff_client.post(f"{BASE}/postings/{posting_id}/reverse", data={"reason": "again"})
    assert twice.status_code == 409 and "已冲正过" in twice.get_data(as_text=True)
    rows = postings(app, funds_on)
    assert [(p.kind, p.amount_fen) for p in rows] == [("donation", 5_000), ("reversal", -5_000)]
    assert balance(app, funds_on, fund_id) == 0


def _apply(client, fund_id, amount="3000"):
    return client.post(
        f"{BASE}/grants/new",
        data={
            "fund_id": str(fund_id),
            "applicant_kind": "organisation",
            "applicant_name": "邻里守望互助社",
            "title": "独居老人助餐",
            "purpose": "每周两次上门助餐",
            "amount": amount,
        },
    )


def _grant_id(app, community) -> int:
    with app.app_context(), all_tenants():
        return db.session.execute(sa.select(sa.func.max(Grant.id))).scalar_one()


def test_a_grant_needs_a_second_person_and_is_paid_once_with_its_invoice(
    app,
    funds_on,
    in_community,
    member,
    staff,
    admin,
    approver,
    member_client,
    staff_client,
    admin_client,
    login,
):
    fund_id = make_fund(in_community, funds_on)
    donate(in_community, funds_on, fund_id, 500_000)
    assert _apply(member_client, fund_id).status_code == 302
    grant_id = _grant_id(app, funds_on)
    url = f"{BASE}/grants/{grant_id}"
    assert staff_client.post(f"{url}/approve").status_code == 403  # staff cannot approve
    approver_client = login(approver)
    early = approver_client.post(f"{url}/approve")
    assert early.status_code == 409 and "只有已审核的申请才能批准" in early.get_data(as_text=True)
    assert staff_client.post(f"{url}/review", data={"note": "材料齐全"}).status_code == 302
    # An admin who reviewed it cannot approve it either (second grant, reviewed by admin).
    assert _apply(member_client, fund_id, "10").status_code == 302
    other = _grant_id(app, funds_on)
    admin_client.post(f"{BASE}/grants/{other}/review", data={"note": ""})
    self_approval = admin_client.post(f"{BASE}/grants/{other}/approve")
    assert self_approval.status_code == 409
    assert "须由第二人审批" in self_approval.get_data(as_text=True)
    assert approver_client.post(f"{url}/approve").status_code == 302
    row = grant_row(app, funds_on, grant_id)
    assert (row.status, row.reviewed_by_id, row.approved_by_id) == (
        "approved",
        staff.id,
        approver.id,
    )
    invoice = (io.BytesIO(b"%PDF-1.4 invoice"), "发票.pdf", "application/pdf")
    paid = staff_client.post(
        f"{url}/disburse",
        data={"occurred_on": "2026-11-21", "invoice": invoice},
        content_type="multipart/form-data",
    )
    assert paid.status_code == 302
    again = staff_client.post(f"{url}/disburse", data={"occurred_on": "2026-11-21"})
    assert again.status_code == 409
    assert balance(app, funds_on, fund_id) == 500_000 - 300_000
    row = grant_row(app, funds_on, grant_id)
    assert row.status == "disbursed" and row.transaction_id
    assert staff_client.post(f"{url}/attachments", data={}).status_code == 422
    more = (io.BytesIO(b"\x89PNG receipt"), "收据.png", "image/png")
    added = staff_client.post(
        f"{url}/attachments", data={"invoice": more}, content_type="multipart/form-data"
    )
    assert added.status_code == 302
    with in_community(funds_on):
        attachment = db.session.execute(
            sa.select(Attachment).order_by(Attachment.id).limit(1)
        ).scalar_one()
        attachment_id = attachment.id
    download = member_client.get(f"{url}/attachments/{attachment_id}")  # the applicant
    assert download.status_code == 200 and download.data == b"%PDF-1.4 invoice"
    with app.app_context(), all_tenants():
        kinds = {(n.user_id, n.kind) for n in db.session.execute(sa.select(Notification)).scalars()}
    assert (approver.id, "funds.to_approve") in kinds
    assert (member.id, "funds.decided") in kinds


def test_a_grant_the_fund_cannot_cover_is_refused(
    app, funds_on, in_community, approver, member_client, staff_client, login
):
    fund_id = make_fund(in_community, funds_on)
    donate(in_community, funds_on, fund_id, 1_000)
    _apply(member_client, fund_id, "3000")
    url = f"{BASE}/grants/{_grant_id(app, funds_on)}"
    staff_client.post(f"{url}/review", data={"note": ""})
    login(approver).post(f"{url}/approve")
    refused = staff_client.post(f"{url}/disburse", data={"occurred_on": "2026-11-21"})
    assert refused.status_code == 409 and "基金余额不足" in refused.get_data(as_text=True)
    assert balance(app, funds_on, fund_id) == 1_000
    assert grant_row(app, funds_on, _grant_id(app, funds_on)).status == "approved"


def test_bad_grant_input_and_a_wrong_attachment(
    app, funds_on, in_community, approver, member_client, staff_client, login
):
    fund_id = make_fund(in_community, funds_on)
    bad = _apply(member_client, fund_id, "0")
    assert bad.status_code == 422 and "邻里守望互助社" in bad.get_data(as_text=True)
    donate(in_community, funds_on, fund_id, 500_000)
    _apply(member_client, fund_id)
    url = f"{BASE}/grants/{_grant_id(app, funds_on)}"
    staff_client.post(f"{url}/review", data={"note": ""})
    login(approver).post(f"{url}/approve")
    exe = (io.BytesIO(b"MZ..."), "x.exe", "application/octet-stream")
    wrong = staff_client.post(
        f"{url}/disburse",
        data={"occurred_on": "2026-11-21", "invoice": exe},
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and "PDF" in wrong.get_data(as_text=True)
    assert balance(app, funds_on, fund_id) == 500_000


def test_someone_elses_application_is_not_shown_to_a_member(
    app, funds_on, in_community, make_user, login, member_client
):
    fund_id = make_fund(in_community, funds_on)
    _apply(member_client, fund_id)
    grant_id = _grant_id(app, funds_on)
    neighbour = login(make_user("n@alpha.example", funds_on))
    assert neighbour.get(f"{BASE}/grants/{grant_id}").status_code == 404
    assert member_client.get(f"{BASE}/grants/{grant_id}").status_code == 200


def test_another_communitys_ids_are_not_found(
    app, funds_on, other_community, enable_plugin, in_community, staff_client, admin_client
):
    enable_plugin(other_community, "funds")
    theirs = make_fund(in_community, other_community, "乙社区基金")
    posting_id = donate(in_community, other_community, theirs, 1_000)
    with in_community(other_community):
        grant = Grant(
            fund_id=theirs,
            applicant_kind="project",
            applicant_name="x",
            title="x",
            amount_fen=100,
            status="submitted",
        )
        db.session.add(grant)
        db.session.commit()
        grant_id = grant.id
    for path in (
        f"{BASE}/{theirs}",
        f"{BASE}/{theirs}/edit",
        f"{BASE}/{theirs}/budget",
        f"{BASE}/postings/{posting_id}/receipt",
        f"{BASE}/postings/{posting_id}/reverse",
        f"{BASE}/grants/{grant_id}",
        f"{BASE}/public/{theirs}",
        f"{BASE}/public/{theirs}/entries.csv",
    ):
        assert admin_client.get(path).status_code == 404, path
    assert staff_client.post(f"{BASE}/grants/{grant_id}/review").status_code == 404
    assert balance(app, other_community, theirs) == 1_000


def test_budget_beside_actual(app, funds_on, in_community, admin_client):
    fund_id = make_fund(in_community, funds_on)
    year = app.extensions and __import__("datetime").date.today().year
    saved = admin_client.post(
        f"{BASE}/{fund_id}/budget", data={"year": str(year), "income": "50000", "spending": "40000"}
    )
    assert saved.status_code == 302
    page = admin_client.get(f"{BASE}/{fund_id}").get_data(as_text=True)
    assert "¥50,000.00" in page and "¥40,000.00" in page
    bad = admin_client.post(
        f"{BASE}/{fund_id}/budget", data={"year": "1999", "income": "x", "spending": "1"}
    )
    assert bad.status_code == 422


def test_one_grant_paid_from_many_tabs_at_once_is_paid_once(
    app, funds_on, in_community, approver, member_client, staff, staff_client, login
):
    import threading

    fund_id = make_fund(in_community, funds_on)
    donate(in_community, funds_on, fund_id, 500_000)
    _apply(member_client, fund_id)
    url = f"{BASE}/grants/{_grant_id(app, funds_on)}"
    staff_client.post(f"{url}/review", data={"note": ""})
    login(approver).post(f"{url}/approve")
    clients = [login(staff) for _ in range(6)]
    start = threading.Barrier(len(clients))
    codes: list[int] = []

    def pay(client):
        start.wait()
        codes.append(client.post(f"{url}/disburse", data={"occurred_on": "2026-11-21"}).status_code)

    workers = [threading.Thread(target=pay, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(codes) == [302] + [409] * (len(clients) - 1)
    assert balance(app, funds_on, fund_id) == 200_000
    assert [p.kind for p in postings(app, funds_on)] == ["donation", "disbursement"]
