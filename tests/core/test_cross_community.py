"""Community A's admin never sees or changes community B's data, on any route.

The routes are discovered from the URL map, so every new core or plugin route is covered
without touching this file. Community B is filled by every plugin's ``demo_data`` hook.
Two attacks per route and method:

1. B's slug in the URL (``/c/beta/...``): A's admin is no member of B, so every route that
   is not explicitly public answers 4xx (or a redirect) and shows nothing of B.
2. A's slug with B's object ids: whatever the status, nothing of B comes back.

"Nothing of B" is checked with markers: every text value of B's rows (and B's people)
that never appears on A's own pages. After all requests B's rows are unchanged.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import zipfile

import pytest
from sqlalchemy import Integer, String, Text, select

from core.demo import seed_demo_data
from core.extensions import db
from core.models import User
from tenants.context import all_tenants, tenant_scope
from tenants.models import Membership, Tenant

PEOPLE_B = {
    "admin": "b-admin@beta.example",
    "staff": "b-staff@beta.example",
    "member": "b-resident@beta.example",
    "member2": "b-volunteer@beta.example",
}


@pytest.fixture
def populated(app, community, other_community, make_user, enable_plugin):
    every_plugin = host_ids(app)
    for plugin_id in every_plugin:
        enable_plugin(community, plugin_id)
        enable_plugin(other_community, plugin_id)
    a_admin = make_user("a-admin@alpha.example", community, "admin", name="Alpha Admin")
    users = {
        key: make_user(
            email,
            other_community,
            key if key in ("admin", "staff") else "member",
            name=f"乙方{key}人员",
        )
        for key, email in PEOPLE_B.items()
    }
    with app.test_request_context(), tenant_scope(other_community.id):
        from flask import g

        g.tenant = db.session.get(Tenant, other_community.id)
        g.tenant.open_registration = False  # else "join" would make A's admin a member of B
        b_users = {k: db.session.get(User, u.id) for k, u in users.items()}
        seed_demo_data(g.tenant, b_users)
        db.session.commit()
        from core.community.audit import record
        from core.community.events import emit

        record("settings.changed", "乙方审计目标", secret="乙方设置值")
        emit("beta_event", note="乙方事件内容")
        db.session.commit()
    return a_admin


def host_ids(app) -> list[str]:
    return app.extensions["gongzhi.plugins"].active_ids


def tenant_tables():
    return [t for t in db.metadata.sorted_tables if "tenant_id" in t.c]


def b_rows(tenant_id: int) -> dict[str, list[tuple]]:
    with all_tenants():
        return {
            t.name: sorted(
                db.session.execute(select(t).where(t.c.tenant_id == tenant_id)).all(), key=repr
            )
            for t in tenant_tables()
        }


def fingerprint(rows: dict) -> str:
    return hashlib.sha256(repr(sorted(rows.items())).encode()).hexdigest()


def b_ids(rows: dict) -> list[int]:
    """B's ids to try in A's routes: the first, a middle and the last of each table. Every
    table is represented, and the cost stays bounded however much demo data a plugin
    seeds (the booking plugin's slot claims alone are hundreds of rows)."""
    ids = set()
    for table in tenant_tables():
        found = sorted(row._mapping["id"] for row in rows[table.name])
        if found:
            ids.update({found[0], found[len(found) // 2], found[-1]})
    return sorted(ids)


def b_strings(app, tenant_id: int, rows: dict) -> set[str]:
    values: set[str] = set()
    for table in tenant_tables():
        text_columns = [c.name for c in table.c if isinstance(c.type, String | Text)]
        for row in rows[table.name]:
            for name in text_columns:
                value = row._mapping[name]
                if isinstance(value, str) and len(value) >= 4:
                    values.add(value[:40])
    with all_tenants():
        tenant = db.session.get(Tenant, tenant_id)
        values |= {tenant.name_zh, tenant.name_en}
        people = db.session.execute(
            select(User.email, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.tenant_id == tenant_id)
        ).all()
    for email, name in people:
        values |= {email, name}
    return {v for v in values if v.strip()}


def tenant_rules(app):
    for rule in app.url_map.iter_rules():
        if "tenant" in rule.arguments and rule.endpoint != "static":
            yield rule


def fill(rule, slug: str, int_values: list[int], strings: list[str]):
    """Every combination of values for a rule's arguments (ints from ``int_values``)."""
    names = sorted(rule.arguments - {"tenant"})
    choices = []
    for name in names:
        converter = rule._converters[name]
        choices.append(int_values if isinstance(converter.to_python("1"), int) else strings)
    for combo in itertools.product(*choices):
        yield {"tenant": slug, **dict(zip(names, combo, strict=True))}


def build(app, rule, values) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


def readable(data: bytes) -> str:
    """A response as text; ZIP and .xlsx (also ZIP) are unpacked so exports are checked."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
            )
    return data.decode("utf-8", "replace")


def is_public(app, endpoint: str) -> bool:
    return getattr(app.view_functions[endpoint], "gongzhi_public", False)


def test_every_route_keeps_community_b_out_of_community_a(
    app, populated, login, community, other_community
):
    client = login(populated)
    with app.app_context():
        rows = b_rows(other_community.id)
        before = fingerprint(rows)
        ids = b_ids(rows)
        with all_tenants():
            a_ids = sorted(
                {
                    r._mapping["id"]
                    for t in tenant_tables()
                    for r in db.session.execute(
                        select(t).where(t.c.tenant_id == community.id)
                    ).all()
                }
            )
        candidates = b_strings(app, other_community.id, rows)
    strings = [*host_ids(app), "x"]
    assert ids, "community B has no rows: the demo_data hooks seeded nothing"

    # Baseline: A's own pages. A marker that shows up there (a category name both
    # communities seed, say) proves nothing, so it is not a marker.
    baseline = []
    for rule in tenant_rules(app):
        if "GET" in rule.methods:
            for values in fill(rule, "alpha", a_ids or [1], strings):
                baseline.append(readable(client.get(build(app, rule, values)).get_data()))
    seen_in_a = "\n".join(baseline)
    markers = {m for m in candidates if m not in seen_in_a}
    assert any("乙" in m for m in markers), "B's own texts should be markers"

    problems = []
    for rule in tenant_rules(app):
        methods = [m for m in ("GET", "POST") if m in rule.methods]
        for method in methods:
            # Attack 1: B's slug. Only explicitly public routes (the landing page, public
            # boards) may answer 200.
            for values in fill(rule, "beta", ids[:3] or [1], strings):
                url = build(app, rule, values)
                response = client.open(url, method=method)
                if response.status_code < 300 and not is_public(app, rule.endpoint):
                    problems.append(f"{method} {url} answered {response.status_code}")
            # Attack 2: A's slug with B's ids (and exports).
            for values in fill(rule, "alpha", ids, strings):
                url = build(app, rule, values)
                variants = (
                    [url, url + "?format=csv", url + "?format=xlsx"] if method == "GET" else [url]
                )
                for target in variants:
                    response = client.open(target, method=method)
                    # The layout echoes the page's own URL (language switch): not a leak.
                    body = readable(response.get_data()).replace(target, "")
                    leaked = sorted(m for m in markers if m in body)
                    if leaked:
                        problems.append(f"{method} {target} leaked {leaked[:3]}")
    with app.app_context():
        after = fingerprint(b_rows(other_community.id))
    assert not problems, "\n".join(problems[:30])
    assert before == after, "community B's rows changed"


def test_the_route_discovery_covers_plugin_routes(app):
    endpoints = {rule.endpoint for rule in tenant_rules(app)}
    assert {"community.settings", "community.members", "notices.show"} <= endpoints
    for plugin_id in host_ids(app):
        assert any(e.startswith(plugin_id + ".") for e in endpoints), plugin_id


def test_b_ids_are_really_used(app):
    """Guard the guard: an int-typed rule argument gets B's ids, not strings."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == "notices.show")
    values = list(fill(rule, "alpha", [7, 8], ["x"]))
    assert values == [{"tenant": "alpha", "notice_id": 7}, {"tenant": "alpha", "notice_id": 8}]
    assert isinstance(rule._converters["notice_id"].to_python("1"), int)
    assert Integer  # imported for readers: ids are integer columns
