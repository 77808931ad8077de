"""Shared templates the operator publishes: versions, the one in force on a day, the
latest of each key, many publishing at once, only the operator."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from core.extensions import db
from core.plugin_api import (
    NotOperator,
    publish_shared_template,
    shared_template_in_force,
    shared_template_versions,
    shared_templates,
)


def test_versions_and_the_one_in_force(app):
    with app.app_context():
        publish_shared_template("p", "form", "a", {"n": 1}, date(2026, 1, 1))
        publish_shared_template("p", "form", "a", {"n": 2}, date(2026, 7, 1))
        publish_shared_template("p", "form", "a", {"n": 3}, date(2026, 7, 1))  # same day
        publish_shared_template("p", "form", "b", {"n": 1}, date(2026, 1, 1))
        publish_shared_template("p", "other", "a", {"n": 9}, date(2020, 1, 1))
        publish_shared_template("q", "form", "a", {"n": 9}, date(2020, 1, 1))
        db.session.commit()
        assert [v.version for v in shared_template_versions("p", "form", "a")] == [1, 2, 3]
        assert shared_template_in_force("p", "form", "a", date(2025, 12, 31)) is None
        assert shared_template_in_force("p", "form", "a", date(2026, 6, 30)).payload == {"n": 1}
        assert shared_template_in_force("p", "form", "a", date(2026, 7, 1)).payload == {"n": 3}
        latest = {(t.key, t.version) for t in shared_templates("p", "form")}
        assert latest == {("a", 3), ("b", 1)}


def test_publishing_at_once_gives_each_its_own_version(app):
    start = threading.Barrier(8)
    errors: list[str] = []

    def publish(n: int) -> None:
        with app.app_context():
            try:
                start.wait(timeout=30)
                publish_shared_template("p", "form", "same", {"n": n}, date(2026, 1, 1))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                db.session.rollback()
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with app.app_context():
        versions = [v.version for v in shared_template_versions("p", "form", "same")]
    # Each stored publication has its own number; on contention a publisher may give up
    # after five tries (and says so), never store a duplicate.
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) + len(errors) == 8 and len(versions) >= 1


def test_a_signed_in_non_operator_may_not_publish(app, member):
    from flask_login import login_user

    from core.models import User

    with app.test_request_context():
        login_user(db.session.get(User, member.id))
        with pytest.raises(NotOperator):
            publish_shared_template("p", "form", "a", {}, date(2026, 1, 1))


def test_the_operator_console_lists_them(app, make_user, login, admin):
    with app.app_context():
        publish_shared_template("salaries", "scale", "wangcang", {"name": "旺苍县标准"},
                                date(2026, 1, 1))  # fmt: skip
        db.session.commit()
    operator = make_user("op@example.com", operator=True)
    page = login(operator).get("/operator/templates")
    assert page.status_code == 200 and "旺苍县标准" in page.text and "wangcang" in page.text
    assert login(admin).get("/operator/templates").status_code == 403
