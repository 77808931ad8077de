"""Residents report at the same moment: every report is kept, every number is unique."""

import threading

import pytest

from core.extensions import db
from plugins.requests.models import Request
from tenants.context import tenant_scope
from tests.plugins.requests.requests_helpers import BASE


@pytest.mark.parametrize("threads, each", [(8, 4)])
def test_simultaneous_reports_all_land_with_distinct_numbers(
    app, requests_on, make_user, login, threads, each
):
    clients = [login(make_user(f"resident{n}@alpha.example", requests_on)) for n in range(threads)]
    start = threading.Barrier(threads)
    failures = []

    def report_many(client, n):
        start.wait()
        for k in range(each):
            response = client.post(
                f"{BASE}/new",
                data={
                    "title": f"同时反映{n}-{k}",
                    "building": "1栋",
                    "contact_preference": "message",
                },
            )
            if response.status_code != 302:
                failures.append(response.status_code)

    workers = [threading.Thread(target=report_many, args=(c, n)) for n, c in enumerate(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert failures == []
    with app.app_context(), tenant_scope(requests_on.id):
        numbers = db.session.execute(db.select(Request.year, Request.seq)).all()
    assert len(numbers) == threads * each
    assert len(set(numbers)) == threads * each
    assert sorted(seq for _, seq in numbers) == list(range(1, threads * each + 1))
