"""Finding a request's community (tenants/resolution.py): for a signed-in person, the
community and their membership in it come from one statement, and that statement's
look across communities never outlives it."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import NotFound

from core.community.permissions import membership
from core.testing import count_statements
from tenants.context import current_scope


def _selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


def test_a_member_costs_one_statement_for_the_community_and_the_membership(
    app, community, member, login
):
    client = login(member)
    client.get("/c/alpha/")
    app.config["PAGE_CACHE_SECONDS"] = 0  # the page rendered: what does finding them cost?
    with count_statements(app) as seen:
        assert client.get("/c/alpha/").status_code == 200
    found = [s for s in _selects(seen) if "FROM tenants" in s or "tenant_memberships" in s]
    assert len(found) == 1, found
    assert "tenant_memberships" in found[0] and "users" in found[0]
    assert not [s for s in _selects(seen) if s.split("FROM")[1].strip().startswith("users")]


def test_a_membership_elsewhere_is_not_one_here(app, community, other_community, make_user, login):
    """The join names the community: an admin of beta is nobody in alpha."""
    beta_admin = make_user("admin@beta.example", other_community, "admin")
    client = login(beta_admin)
    assert client.get("/c/beta/members").status_code == 200
    assert client.get("/c/alpha/members").status_code == 403
    with app.test_request_context("/c/alpha/"):
        from flask import session

        session["_user_id"] = str(beta_admin.id)
        app.preprocess_request()
        assert membership() is None


@pytest.mark.parametrize("signed_in", [True, False])
def test_an_unknown_community_leaves_no_scope_behind(app, community, member, signed_in):
    """A 404 page renders outside every community, never across them."""
    with app.test_request_context("/c/nowhere/"):
        from flask import session

        if signed_in:
            session["_user_id"] = str(member.id)
        with pytest.raises(NotFound):
            app.preprocess_request()
        assert current_scope() is None


def test_a_signed_in_stranger_sees_the_public_board(
    app, community, enable_plugin, make_user, login
):
    enable_plugin(community, "requests")
    stranger = login(make_user("stranger@example.org"))
    assert stranger.get("/c/alpha/requests/board").status_code == 200
