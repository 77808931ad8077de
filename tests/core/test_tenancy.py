"""Tenant isolation below the views: the ORM filter, stamping, composite keys."""

import pytest
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import DomainEvent, EventFailure
from tenants.context import TenantScopeError, all_tenants, tenant_scope
from tenants.models import Membership


@pytest.fixture
def two_members(app, community, other_community, make_user):
    make_user("a@alpha.example", community)
    make_user("b@beta.example", other_community)


def test_queries_are_filtered_to_the_community_in_scope(
    app, community, other_community, two_members
):
    with app.app_context():
        with tenant_scope(community.id):
            emails = [m.user.email for m in db.session.execute(db.select(Membership)).scalars()]
        assert emails == ["a@alpha.example"]
        with tenant_scope(other_community.id):
            count = db.session.execute(db.select(db.func.count(Membership.id))).scalar()
        assert count == 1
        with all_tenants():
            assert db.session.execute(db.select(db.func.count(Membership.id))).scalar() == 2


def test_a_query_with_no_community_in_scope_fails_closed(app, two_members):
    with app.app_context(), pytest.raises(TenantScopeError):
        db.session.execute(db.select(Membership)).all()


def test_get_by_id_of_another_community_finds_nothing(app, community, other_community, two_members):
    with app.app_context():
        with tenant_scope(other_community.id):
            b_id = db.session.execute(db.select(Membership.id)).scalar_one()
        db.session.expunge_all()
        with tenant_scope(community.id):
            found = db.session.execute(
                db.select(Membership).where(Membership.id == b_id)
            ).scalar_one_or_none()
        assert found is None


def test_bulk_update_and_delete_are_filtered_too(app, community, other_community, two_members):
    with app.app_context():
        with tenant_scope(community.id):
            db.session.execute(db.update(Membership).values(role="staff"))
            db.session.execute(db.delete(Membership).where(Membership.role == "member"))
            db.session.commit()
        with tenant_scope(other_community.id):
            roles = db.session.execute(db.select(Membership.role)).scalars().all()
        assert roles == ["member"]


def test_new_rows_take_the_community_in_scope_and_cannot_be_written_for_another(
    app, community, other_community, make_user
):
    user = make_user("x@alpha.example")
    with app.app_context():
        with tenant_scope(community.id):
            m = Membership(user_id=user.id)
            db.session.add(m)
            db.session.commit()
            assert m.tenant_id == community.id
        with tenant_scope(community.id):
            db.session.add(Membership(user_id=user.id, tenant_id=other_community.id))
            with pytest.raises(TenantScopeError):
                db.session.flush()
            db.session.rollback()


def test_composite_foreign_keys_stop_a_row_pointing_into_another_community(
    app, community, other_community
):
    with app.app_context():
        with tenant_scope(other_community.id):
            evt = DomainEvent(name="x", payload={})
            db.session.add(evt)
            db.session.commit()
            b_event = evt.id
        with tenant_scope(community.id):
            db.session.add(EventFailure(event_id=b_event, plugin_id="p", error="e"))
            with pytest.raises(IntegrityError):
                db.session.commit()
            db.session.rollback()
