"""Routes discovered from the URL map, with real ids of a community's rows (shared by the
no-server-error tests)."""

from __future__ import annotations

from core.extensions import db
from tenants.context import all_tenants


def community_ids(community_id: int) -> list[int]:
    """A few ids of the community's rows (any tenant table): enough to reach each page."""
    with all_tenants():
        ids = set()
        for table in db.metadata.sorted_tables:
            if "tenant_id" in table.c:
                ids |= set(
                    db.session.execute(
                        db.select(table.c.id).where(table.c.tenant_id == community_id)
                    ).scalars()
                )
    return sorted(ids)[:6]


def urls_for(app, rule, ids: list[int], plugin_ids: list[str], slug: str | None = None):
    """The rule's URLs in community A: one per id of A's rows when it takes ids; text
    arguments get a plugin id, a junk token, a path-traversal file name, an export format,
    or (``slug``) the office that community A is under."""
    from flask import url_for

    names = sorted(rule.arguments - {"tenant"})
    int_args = [n for n in names if isinstance(rule._converters[n].to_python("1"), int)]
    special = {"token": "x", "filename": "../../etc/passwd", "fmt": "csv"}
    if slug is not None:
        special["slug"] = slug
    for n in names:  # a choice of words (`<any(csv, xlsx):fmt>`): its first word
        items = getattr(rule._converters[n], "items", None)
        if items:
            special[n] = sorted(items)[0]
    for i in ids if int_args else [None]:
        args = {n: i if n in int_args else special.get(n, plugin_ids[0]) for n in names}
        if "tenant" in rule.arguments:
            args["tenant"] = "alpha"
        with app.test_request_context():
            yield url_for(rule.endpoint, **args)
