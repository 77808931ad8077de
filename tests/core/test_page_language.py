"""Every page in both languages shows UI words of its own language only.

Routes are discovered from the URL map (core's and every plugin's), with demo data in two
communities, and read by a visitor, a resident and an admin (also the operator) in 简体中文
and in English. Forms are also sent back with wrong values, so validation messages are
read too. The rule (``core.testing.language``): no Han on English pages, no Latin words on
Chinese pages, aria labels, titles and placeholders included; data people typed is marked
``data-user`` in the templates and exempt.
"""

from __future__ import annotations

import re

import pytest

from core.demo import seed_demo_data
from core.extensions import db
from core.models import User
from core.testing.language import foreign_words
from tenants.context import all_tenants, community_scope
from tenants.models import Tenant

NAME = re.compile(r'<(?:input|select|textarea)[^>]*\sname="([a-zA-Z_][\w-]*)"')
# Files and data, not pages.
NOT_PAGES = {"static", "plugin_static", "static_files.favicon"}
NOT_PAGE_SUFFIXES = (".csv", ".xlsx", ".zip", ".webmanifest")


@pytest.fixture
def demo(app, community, other_community, make_user, enable_plugin):
    """Two communities with every plugin on and their demo data; alpha's people."""
    people = {}
    for tenant in (community, other_community):
        for plugin_id in app.extensions["gongzhi.plugins"].active_ids:
            enable_plugin(tenant, plugin_id)
        slug = tenant.slug
        made = {
            "admin": make_user(
                f"admin@{slug}.example", tenant, "admin", name="李书记", operator=True
            ),
            "staff": make_user(f"staff@{slug}.example", tenant, "staff", name="王社工"),
            "member": make_user(f"member@{slug}.example", tenant, "member", name="张阿姨"),
            "member2": make_user(f"member2@{slug}.example", tenant, "member", name="Ann Lee"),
        }
        with app.test_request_context(), community_scope(tenant.id):
            row = db.session.get(Tenant, tenant.id)
            seed_demo_data(row, {k: db.session.get(User, u.id) for k, u in made.items()})
            db.session.commit()
        if tenant.slug == community.slug:
            people = made
    return people


def _ids(community_id: int) -> list[int]:
    with all_tenants():
        ids = set()
        for table in db.metadata.sorted_tables:
            if "tenant_id" in table.c:
                ids |= set(
                    db.session.execute(
                        db.select(table.c.id).where(table.c.tenant_id == community_id)
                    ).scalars()
                )
    return sorted(ids)[:3]


def _urls(app, community_id: int, method: str) -> list[str]:
    from flask import url_for

    with app.app_context():
        ids = _ids(community_id)
    plugin_ids = app.extensions["gongzhi.plugins"].active_ids
    urls = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.endswith(NOT_PAGE_SUFFIXES) or rule.endpoint.endswith(("_csv", "_xlsx")):
            continue
        names = sorted(rule.arguments - {"tenant"})
        int_args = [n for n in names if isinstance(rule._converters[n].to_python("1"), int)]
        # A choice of words (`<any(csv, xlsx):fmt>`) takes its first word.
        words = {n: sorted(rule._converters[n].items)[0] for n in names
                 if getattr(rule._converters[n], "items", None)}  # fmt: skip
        for i in ids if int_args else [None]:
            args = {n: i if n in int_args else words.get(n, plugin_ids[0]) for n in names}
            if "tenant" in rule.arguments:
                args["tenant"] = "alpha"
            with app.test_request_context():
                urls.append(url_for(rule.endpoint, **args))
    return sorted(set(urls))


def _problems(response, url: str) -> list[str]:
    if response.mimetype != "text/html" or response.status_code >= 500:
        return []
    return [f"{response.status_code} {url} {p}" for p in foreign_words(response.get_data(True))]


# Every page and form, core's and the built-in plugins', also raises no deprecation warning:
# vendors run their tests with deprecations as errors (plugins.md, step 1).
@pytest.mark.filterwarnings("error::DeprecationWarning")
@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_every_page_speaks_one_language(app, demo, login, community, locale):
    clients = {"visitor": app.test_client()}
    for who in ("member", "admin"):
        clients[who] = login(demo[who])
    for client in clients.values():
        client.post("/lang", data={"locale": locale, "next": "/"})
    problems = []
    get_urls = _urls(app, community.id, "GET")
    for who, client in clients.items():
        for url in get_urls:
            problems += [f"{who} GET {p}" for p in _problems(client.get(url), url)]
    # Forms sent back with wrong values: the validation messages are UI text too.
    admin = clients["admin"]
    for url in _urls(app, community.id, "POST"):
        if url.endswith(("/logout", "/lang")):
            continue
        page = admin.get(url)
        names = set(NAME.findall(page.get_data(True))) if page.status_code == 200 else set()
        names.discard("csrf_token")
        data = {n: "x" for n in names | {"email", "title", "name"}}
        problems += [f"admin POST {p}" for p in _problems(admin.post(url, data=data), url)]
        if admin.get("/c/alpha/settings").status_code != 200:
            admin = clients["admin"] = login(demo["admin"])
            admin.post("/lang", data={"locale": locale, "next": "/"})
    assert len(get_urls) > 30
    # One line per offending text, with the first page it was seen on.
    seen: dict[str, str] = {}
    for line in problems:
        who, method, status, url, text = line.split(" ", 4)
        seen.setdefault(text, f"{who} {method} {status} {url}")
    assert seen == {}, "\n".join(f"{text}    ({where})" for text, where in sorted(seen.items()))


def test_the_rule_finds_mixed_words_and_spares_marked_data():
    english = '<html lang="en"><body><p>Staff: 王社工</p><span data-user>张阿姨</span>'
    assert foreign_words(english) == ["<p>: Staff: 王社工"]
    chinese = (
        '<html lang="zh-Hans"><body><nav aria-label="breadcrumb"><a>首页</a></nav>'
        '<button lang="en">English</button><small>无效的 Email 地址</small><p>导出 Excel</p>'
    )
    assert foreign_words(chinese) == [
        "<nav aria-label>: breadcrumb",
        "<small>: 无效的 Email 地址",
    ]
