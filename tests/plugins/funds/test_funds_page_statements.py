"""The public account and the staff pages run the same SQL statements with a handful of
ledger entries as with thousands over many months and grants: their cost does not grow
with the ledger (monthly totals are kept on write, lists are keyset pages). Ceilings
catch a page that starts asking for more (raise one only with a reason)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from funds_helpers import BASE

from core.extensions import db
from core.testing import count_statements, is_postgres
from plugins.funds import grants, ledger
from plugins.funds.models import Fund
from tenants.context import community_scope


@pytest.fixture
def gongzhi_config(gongzhi_config):
    """The page's own cost is measured, not the copy kept for the next view
    (core/web/page_cache.py; tests/plugins/requests/test_kept_pages.py)."""
    return {**gongzhi_config, "PAGE_CACHE_SECONDS": 0}


HEADER = 2  # the signed-in header: unread notifications, pending join requests (staff)
PAGES = {
    "public account": (None, f"{BASE}/public", 5),
    "public fund": (None, f"{BASE}/public/{{fund}}", 6),
    "funds": ("staff", f"{BASE}/", 5 + HEADER),
    "fund ledger": ("staff", f"{BASE}/{{fund}}", 9 + HEADER),
    "grants": ("staff", f"{BASE}/grants", 6 + HEADER),
}


def _statements(app, client, path: str) -> list[str]:
    client.get(path)  # warm: compiled statements, catalogues
    with count_statements(app) as seen:
        assert client.get(path).status_code == 200, path
    return seen


def _postings(app, community, fund_ids: list[int], count: int, offset: int) -> None:
    with app.test_request_context(), community_scope(community.id):
        for n in range(offset, offset + count):
            day = date(2024 + (n // 300) % 3, 1 + (n // 25) % 12, 1 + n % 28)
            fund_id = fund_ids[n % len(fund_ids)]
            if n % 5 == 4:
                ledger.post(fund_id, "disbursement", 100 + n, day, counterparty=f"项目{n}")
            else:
                ledger.post(
                    fund_id,
                    "donation",
                    1_000 + n,
                    day,
                    counterparty=f"捐赠人{n}",
                    donor_name=f"捐赠人{n}",
                    anonymous=n % 3 == 0,
                )
            if n % 50 == 0:
                grants.create(
                    fund_id,
                    applicant_kind="project",
                    applicant_name=f"项目{n}",
                    title=f"微项目{n}",
                    purpose="…",
                    amount_fen=500,
                    actor_id=None,
                )
        db.session.commit()


def test_funds_pages_run_a_fixed_number_of_statements(
    app, funds_on, staff, login, client, gongzhi_db_url
):
    with app.test_request_context(), community_scope(funds_on.id):
        funds = [
            Fund(name="阳光基金", allow_overdraft=True),
            Fund(name="微公益基金", allow_overdraft=True),
        ]
        db.session.add_all(funds)
        db.session.commit()
        fund_ids = [f.id for f in funds]
    clients = {None: client, "staff": login(staff)}
    paths = {
        name: (who, path.replace("{fund}", str(fund_ids[0])), most)
        for name, (who, path, most) in PAGES.items()
    }
    _postings(app, funds_on, fund_ids, 10, 0)

    def measure() -> dict[str, list[str]]:
        return {
            name: _statements(app, clients[who], path) for name, (who, path, _m) in paths.items()
        }

    small = measure()
    _postings(app, funds_on, fund_ids, 2_000, 10)
    with app.test_request_context(), community_scope(funds_on.id):
        assert ledger.mismatches() == []
        assert (
            db.session.execute(
                sa.select(sa.func.count()).select_from(sa.text("funds_entry"))
            ).scalar_one()
            == 4_020
        )
    large = measure()
    extra = 1 if is_postgres(gongzhi_db_url) else 0  # set_config of the RLS scope
    for name, (_who, _path, most) in paths.items():
        assert len(small[name]) == len(large[name]), (name, small[name], large[name])
        assert len(large[name]) <= most + extra, (name, len(large[name]), large[name])
