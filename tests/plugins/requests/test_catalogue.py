"""The responsibility list: seeded once from the template, then the community's own."""

from __future__ import annotations

from requests_helpers import BASE, report

from core.extensions import db
from plugins.requests import catalogue
from plugins.requests.models import Category, Service


def test_seed_is_idempotent_and_keeps_local_edits(app, community, enable_plugin, in_community):
    enable_plugin(community, "requests")
    with in_community(community):
        fumes = db.session.execute(
            db.select(Category).where(Category.name == "餐饮油烟")
        ).scalar_one()
        assert (fumes.kind, fumes.owner) == ("red", "区生态环境局")
        fumes.owner = "街道综合执法队"
        fumes_id = fumes.id
        db.session.commit()
        count = db.session.execute(db.select(db.func.count(Category.id))).scalar()
        services = db.session.execute(db.select(db.func.count(Service.id))).scalar()
    enable_plugin(community, "requests")  # again, as after switching off and on
    with in_community(community):
        assert db.session.execute(db.select(db.func.count(Category.id))).scalar() == count
        assert db.session.execute(db.select(db.func.count(Service.id))).scalar() == services
        assert db.session.get(Category, fumes_id).owner == "街道综合执法队"
        kinds = {c.kind for c in catalogue.all_categories()}
        assert kinds == {"red", "orange", "yellow"}


def test_suggestion_picks_the_longest_keyword():
    cats = [
        Category(id=1, name="环境卫生", kind="orange", keywords="垃圾"),
        Category(id=2, name="餐饮油烟", kind="red", keywords="油烟,排烟"),
    ]
    assert catalogue.suggest("楼下餐馆油烟直排", cats).id == 2
    assert catalogue.suggest("门口垃圾没人清", cats).id == 1
    assert catalogue.suggest("电梯坏了", cats) is None


def test_category_in_use_is_switched_off_not_deleted(
    app, requests_on, member_client, staff_client, admin_client, in_community
):
    rid = report(member_client)
    with in_community(requests_on):
        cat = db.session.execute(
            db.select(Category).where(Category.name == "餐饮油烟")
        ).scalar_one()
        cat_id = cat.id
    staff_client.post(f"{BASE}/{rid}/classify", data={"kind": "red", "category_id": cat_id})
    r = admin_client.post(f"{BASE}/catalogue/categories/{cat_id}/delete")
    assert r.status_code == 302
    with in_community(requests_on):
        assert db.session.get(Category, cat_id).active is False
    page = admin_client.get(f"{BASE}/catalogue").get_data(as_text=True)
    assert "hx-confirm" in page
