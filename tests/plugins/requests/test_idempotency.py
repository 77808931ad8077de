"""A report sent twice with the same form key is stored once: a double click, a resubmit
after a lost answer, or two submits at the same moment (the unique key decides)."""

import re
import threading

from core.extensions import db
from core.models import IdempotencyKey
from plugins.requests.models import Request
from tenants.context import tenant_scope
from tests.plugins.requests.requests_helpers import BASE

FORM = {"title": "电梯停在三楼不动", "building": "5栋", "contact_preference": "message"}


def _stored(app, community) -> list[tuple[int, str]]:
    with app.app_context(), tenant_scope(community.id):
        return db.session.execute(db.select(Request.id, Request.title)).all()


def _key_in(page: str) -> str:
    return re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)


def test_each_rendering_of_the_form_carries_a_new_key(requests_on, member, login):
    client = login(member)
    first = _key_in(client.get(f"{BASE}/new").get_data(as_text=True))
    second = _key_in(client.get(f"{BASE}/new").get_data(as_text=True))
    assert first != second


def test_an_invalid_submit_keeps_its_key_for_the_corrected_one(requests_on, member, login):
    client = login(member)
    key = "ab" * 16
    page = client.post(f"{BASE}/new", data={**FORM, "title": "", "idempotency_key": key})
    assert page.status_code == 422 and _key_in(page.get_data(as_text=True)) == key


def test_a_repeated_submit_finds_the_first_report(app, requests_on, member, login):
    client = login(member)
    data = {**FORM, "idempotency_key": "1f" * 16}
    first = client.post(f"{BASE}/new", data=data)
    again = client.post(f"{BASE}/new", data=data, follow_redirects=True)
    assert first.status_code == 302 and again.status_code == 200
    assert again.request.path == first.headers["Location"]
    page = again.get_data(as_text=True)
    assert "already received" in page or "这条诉求已经收到" in page
    assert len(_stored(app, requests_on)) == 1
    other_key = client.post(f"{BASE}/new", data={**data, "idempotency_key": "2e" * 16})
    assert other_key.headers["Location"] != first.headers["Location"]
    assert len(_stored(app, requests_on)) == 2


def test_simultaneous_submits_with_one_key_store_one_report(app, requests_on, make_user, login):
    """Two tabs (or a proxy retrying) send the same form at the same instant: each thread
    passes the "already stored?" check before the other commits; the database's unique key
    keeps one, the loser is rolled back whole and answers the winner's request."""
    threads = 6
    person = make_user("twice@alpha.example", requests_on)
    clients = [login(person) for _ in range(threads)]
    start = threading.Barrier(threads)
    answers: list = []

    def submit(client):
        start.wait()
        answers.append(client.post(f"{BASE}/new", data={**FORM, "idempotency_key": "3d" * 16}))

    workers = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [a.status_code for a in answers] == [302] * threads
    assert len({a.headers["Location"] for a in answers}) == 1
    assert len(_stored(app, requests_on)) == 1
    with app.app_context(), tenant_scope(requests_on.id):
        assert db.session.execute(db.select(db.func.count(IdempotencyKey.id))).scalar() == 1


def test_the_desk_form_is_guarded_the_same_way(app, requests_on, staff, login, enable_plugin):
    client = login(staff)
    data = {**FORM, "channel": "phone", "requester_name": "王阿姨", "idempotency_key": "4c" * 16}
    first, again = client.post(f"{BASE}/desk", data=data), client.post(f"{BASE}/desk", data=data)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert len(_stored(app, requests_on)) == 1


def test_old_keys_are_purged_and_recent_ones_kept(app, requests_on, member, login):
    from datetime import timedelta

    from core.services.time import utcnow

    client = login(member)
    for key in ("5b" * 16, "6a" * 16):
        client.post(f"{BASE}/new", data={**FORM, "idempotency_key": key})
    with app.app_context(), tenant_scope(requests_on.id):
        old = db.session.execute(
            db.select(IdempotencyKey).where(IdempotencyKey.key == "5b" * 16)
        ).scalar_one()
        old.created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["idempotency", "purge", "--days", "30"])
    assert result.exit_code == 0 and "purged 1 keys" in result.output, result.output
    with app.app_context(), tenant_scope(requests_on.id):
        kept = db.session.execute(db.select(IdempotencyKey.key)).scalars().all()
    assert kept == ["6a" * 16]
