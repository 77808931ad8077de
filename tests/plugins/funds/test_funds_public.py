"""The public account (公示) without login, anonymous donors, exports, the setting that
hides it, the contract, translations, and committee rewards arriving as proposals."""

from __future__ import annotations

import sqlalchemy as sa
from funds_helpers import BASE, DAY, donate, make_fund

from core.extensions import db
from core.plugin_api import emit
from core.testing import read_csv, read_xlsx
from plugins.funds import ledger
from plugins.funds.models import Grant, Posting


def test_the_plugin_keeps_the_contract(plugin_contract):
    assert plugin_contract("funds") == []


def test_every_text_is_translated(app):
    result = app.test_cli_runner().invoke(args=["plugins", "i18n", "funds", "check"])
    assert result.exit_code == 0, result.output


def _public_setup(in_community, community):
    fund_id = make_fund(in_community, community)
    donate(in_community, community, fund_id, 100_000, counterparty="李建国", receipt_no="R-1")
    donate(
        in_community,
        community,
        fund_id,
        30_000,
        counterparty="王秘密",
        donor_name="王秘密",
        anonymous=True,
        receipt_no="R-SECRET-2",
    )
    with in_community(community):
        ledger.post(fund_id, "disbursement", 20_000, DAY, purpose="助餐", counterparty="互助社")
        db.session.commit()
    return fund_id


def test_anyone_sees_balances_months_and_every_entry_but_not_anonymous_donors(
    app, funds_on, in_community, client
):
    fund_id = _public_setup(in_community, funds_on)
    index = client.get(f"{BASE}/public")
    assert index.status_code == 200
    html = index.get_data(as_text=True)
    assert "社区阳光基金" in html and "¥1,100.00" in html  # balance
    assert "2026-11" in html and "¥1,300.00" in html and "¥200.00" in html  # the month
    assert "<svg" in html  # the chart, with its table
    page = client.get(f"{BASE}/public/{fund_id}").get_data(as_text=True)
    assert "李建国" in page and "匿名捐赠人" in page and "互助社" in page and "助餐" in page
    for text in (index.get_data(as_text=True), page):
        assert "王秘密" not in text and "R-SECRET-2" not in text
    rows = read_csv(client.get(f"{BASE}/public/{fund_id}/entries.csv?year=2026"))
    assert rows[0] == ["日期", "类型", "金额", "用途", "来源或去向"]
    assert [r[4] for r in rows[1:]] == ["李建国", "匿名捐赠人", "互助社"]
    assert "王秘密" not in str(rows)
    sheet = read_xlsx(client.get(f"{BASE}/public/{fund_id}/entries.xlsx?year=2026"))
    assert "王秘密" not in str(sheet) and "匿名捐赠人" in str(sheet)


def test_the_public_page_in_english_and_on_the_landing_page(app, funds_on, in_community, client):
    _public_setup(in_community, funds_on)
    landing = client.get("/c/alpha/").get_data(as_text=True)
    assert f"{BASE}/public" in landing
    english = client.get(f"{BASE}/public", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_bad_input_on_public_pages(app, funds_on, in_community, client):
    fund_id = _public_setup(in_community, funds_on)
    assert client.get(f"{BASE}/public/{fund_id}?before=abc").status_code == 200
    assert client.get(f"{BASE}/public/{fund_id}?before=99999999999999999999999").status_code == 200
    assert client.get(f"{BASE}/public/{fund_id}/entries.csv?year=x").status_code == 200
    assert client.get(f"{BASE}/public/{fund_id}/entries.csv?year=1").status_code == 200
    assert client.get(f"{BASE}/public/999999").status_code == 404
    assert client.get(f"{BASE}/receipt/not-a-token").status_code == 404
    assert client.get(f"{BASE}/receipt/{'0' * 32}").status_code == 404
    assert client.get(f"{BASE}/public/donate/return?session_id=cs_x").status_code == 404
    assert client.get(f"{BASE}/public/{fund_id}/donate").status_code == 404  # no Stripe keys
    assert client.get(f"{BASE}/").status_code == 302  # staff pages need a login


def test_a_community_can_keep_its_accounts_unpublished(
    app, community, enable_plugin, in_community, client
):
    enable_plugin(community, "funds", public_page=False)
    fund_id = make_fund(in_community, community)
    assert client.get(f"{BASE}/public").status_code == 404
    assert client.get(f"{BASE}/public/{fund_id}").status_code == 404
    assert f"{BASE}/public" not in client.get("/c/alpha/").get_data(as_text=True)


def _reward(committee_id=3, reference="committees:reward:9:3", amount=50_000):
    emit(
        "committee_reward_proposed",
        committee_id=committee_id,
        committee_name="环境卫生专委会",
        amount_fen=amount,
        year=2026,
        score="87.50",
        reference=reference,
    )


def test_a_committee_reward_arrives_once_as_a_proposed_grant_in_the_reward_pool(
    app, funds_on, in_community
):
    make_fund(in_community, funds_on, "阳光基金")
    pool = make_fund(in_community, funds_on, "专委会奖励金", reward_pool=True)
    for _ in range(2):  # a second delivery changes nothing
        with in_community(funds_on):
            _reward()
            from core.plugin_api import commit

            commit()
    with in_community(funds_on):
        grants = list(db.session.execute(sa.select(Grant)).scalars())
        assert len(grants) == 1
        grant = grants[0]
        assert (grant.fund_id, grant.status, grant.applicant_kind, grant.amount_fen) == (
            pool,
            "proposed",
            "committee",
            50_000,
        )
        assert grant.applicant_name == "环境卫生专委会" and "87.50" in grant.title
        assert db.session.execute(sa.select(sa.func.count(Posting.id))).scalar_one() == 0


def test_a_committee_reward_without_any_fund_is_skipped(app, funds_on, in_community):
    with in_community(funds_on):
        _reward()
        from core.plugin_api import commit

        commit()
        assert db.session.execute(sa.select(sa.func.count(Grant.id))).scalar_one() == 0
