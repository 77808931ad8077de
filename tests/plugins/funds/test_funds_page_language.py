"""Every funds page speaks the reader's language (Chinese demo data marked as data on an
English page), signed out, as a member and as an admin; forms sent back wrong too."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.testing.language import foreign_words
from plugins.funds.demo import add_demo
from plugins.funds.models import Fund, Grant, Posting
from tenants.context import community_scope
from tenants.models import Tenant

BASE = "/c/alpha/funds"


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_funds_pages_speak_one_language(
    app, funds_on, admin, staff, member, login, make_user, locale
):
    with app.test_request_context(), community_scope(funds_on.id):
        tenant = db.session.get(Tenant, funds_on.id)
        add_demo(tenant, {"admin": admin, "staff": staff, "member": member})
        db.session.commit()
        fund = db.session.execute(sa.select(Fund.id)).scalars().first()
        grants = list(db.session.execute(sa.select(Grant.id)).scalars())
        donation = (
            db.session.execute(sa.select(Posting).where(Posting.kind == "donation"))
            .scalars()
            .first()
        )
        token = donation.receipt_token
        donation_id = donation.id
    pages = [
        "/",
        "/grants",
        "/grants/new",
        "/donations/new",
        "/new",
        f"/{fund}",
        f"/{fund}/edit",
        f"/{fund}/budget",
        f"/postings/{donation_id}/receipt",
        f"/postings/{donation_id}/reverse",
        "/public",
        f"/public/{fund}",
        f"/receipt/{token}",
        *(f"/grants/{g}" for g in grants),
    ]
    problems = []
    clients = {"visitor": app.test_client(), "member": login(member), "admin": login(admin)}
    for who, client in clients.items():
        client.post("/lang", data={"locale": locale, "next": "/"})
        for page in pages:
            answer = client.get(BASE + page)
            if answer.mimetype == "text/html" and answer.status_code == 200:
                problems += [f"{who} {page}: {w}" for w in foreign_words(answer.get_data(True))]
    admin_client = clients["admin"]
    for page, data in [
        ("/donations/new", {"amount": "x", "donor_name": "张三", "receipt_no": ""}),
        ("/grants/new", {"amount": "0", "title": "标题"}),
        ("/new", {"name": ""}),
        (f"/{fund}/budget", {"income": "x"}),
    ]:
        answer = admin_client.post(BASE + page, data=data)
        assert answer.status_code == 422, page
        problems += [f"POST {page}: {w}" for w in foreign_words(answer.get_data(True))]
    assert problems == []
