"""PostgreSQL row-level security: the second wall holds even for raw SQL.

The app must connect as a plain role (superusers bypass RLS). These tests create one,
``gongzhi_app``, and prove that (1) raw SQL as that role sees only the community named in
``app.tenant_id``, and (2) the app itself works when connected as that role.
"""

import pytest
from sqlalchemy import create_engine, text

from core import create_app
from core.extensions import db
from plugins.notices.models import Notice
from tenants.context import tenant_scope

pytestmark = pytest.mark.postgres
ROLE = "gongzhi_app"


@pytest.fixture
def plain_role_url(app, gongzhi_db_url):
    with app.app_context(), db.engine.begin() as conn:
        exists = conn.execute(text("select 1 from pg_roles where rolname = :r"), {"r": ROLE})
        if exists.first() is None:
            conn.execute(text(f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {ROLE}"))
        conn.execute(
            text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE}")
        )
        conn.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {ROLE}"))
    scheme, rest = gongzhi_db_url.split("://", 1)
    return f"{scheme}://{ROLE}@{rest.split('@', 1)[-1]}"


@pytest.fixture
def notices_in_both(app, community, other_community, enable_plugin):
    for tenant, title in ((community, "甲社区停水通知"), (other_community, "乙社区停电通知")):
        enable_plugin(tenant, "notices")
        with app.app_context(), tenant_scope(tenant.id):
            db.session.add(Notice(title=title, body="…"))
            db.session.commit()


def test_raw_sql_as_the_app_role_sees_only_the_community_in_scope(
    plain_role_url, notices_in_both, community, other_community
):
    engine = create_engine(plain_role_url)
    with engine.begin() as conn:
        conn.execute(text("select set_config('app.tenant_id', :t, true)"), {"t": str(community.id)})
        titles = conn.execute(text("select title from notices_notice")).scalars().all()
        assert titles == ["甲社区停水通知"]
        with pytest.raises(Exception, match="row-level security"):
            conn.execute(
                text(
                    "insert into notices_notice (tenant_id, title, body, public, pinned,"
                    " created_at, updated_at) values (:t, 'x', 'x', true, false, now(), now())"
                ),
                {"t": other_community.id},
            )
    with engine.begin() as conn:  # no community set: nothing at all
        assert conn.execute(text("select count(*) from notices_notice")).scalar() == 0
    with engine.begin() as conn:  # explicit all-tenants (operator console, reports)
        conn.execute(text("select set_config('app.all_tenants', 'on', true)"))
        assert conn.execute(text("select count(*) from notices_notice")).scalar() == 2
    engine.dispose()


def test_the_app_works_connected_as_the_plain_role(
    plain_role_url, notices_in_both, gongzhi_config, community, make_user
):
    person = make_user("resident@alpha.example", community)
    plain = create_app({**gongzhi_config, "SQLALCHEMY_DATABASE_URI": plain_role_url})
    client = plain.test_client()
    client.post("/login", data={"email": person.email, "password": "correct horse battery"})
    page = client.get("/c/alpha/notices/").get_data(as_text=True)
    assert "甲社区停水通知" in page and "乙社区停电通知" not in page
    assert client.get("/c/beta/notices/").status_code == 403
    with plain.app_context():
        db.engine.dispose()


def test_every_tenant_table_has_the_policy(app):
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(
            text(
                "select c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                "exists(select 1 from pg_policies p where p.tablename = c.relname) "
                "from pg_class c join information_schema.columns col "
                "on col.table_name = c.relname and col.column_name = 'tenant_id' "
                "where c.relkind = 'r' and col.table_schema = 'public'"
            )
        ).all()
    assert rows and all(r[1] and r[2] and r[3] for r in rows), rows
