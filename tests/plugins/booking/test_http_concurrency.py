"""100 residents press "Book" for one slot at once, through HTTP against a running
server: exactly one booking, 99 clear conflict answers, no 500."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from werkzeug.serving import make_server

from core.plugin_api import db
from plugins.booking.models import Booking
from tests.plugins.booking.helpers import next_weekday

THREADS = 100


@pytest.fixture
def server(app):
    app.config.update(SERVER_NAME=None)
    running = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{running.server_port}"
    running.shutdown()
    thread.join(timeout=5)


def _session_cookie(app, user_id: int) -> str:
    """A signed-in session, as the login form would leave it (no password hashing x100)."""
    signer = app.session_interface.get_signing_serializer(app)
    value = signer.dumps({"_user_id": str(user_id), "_fresh": True})
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def test_one_slot_a_hundred_requests_at_once(
    app, server, booking_on, space_id, make_members, in_community
):
    people = make_members(booking_on, THREADS)
    with in_community(booking_on):
        day = next_weekday(1)
    body = urllib.parse.urlencode(
        {
            "day": day.isoformat(),
            "start": "19:00",
            "end": "21:00",
            "purpose": "广场舞排练",
            "attendees": "10",
            "use": "排练",
            "weeks": "1",
        }
    ).encode()
    url = f"{server}/c/alpha/booking/spaces/{space_id}/book"
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str]] = []

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)

    def press(person_id: int) -> None:
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Cookie": _session_cookie(app, person_id)}
        )
        start.wait(timeout=60)
        try:
            with opener.open(request, timeout=120) as response:
                answers.append((response.status, ""))
        except urllib.error.HTTPError as error:
            answers.append((error.code, error.read().decode("utf-8", "replace")))

    workers = [threading.Thread(target=press, args=(p,)) for p in people]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=180)
    codes = sorted(code for code, _ in answers)
    assert len(answers) == THREADS
    assert codes.count(302) == 1 and codes.count(409) == THREADS - 1, codes
    assert all("抱歉，这个时段刚刚被别人约走了" in text for code, text in answers if code == 409)
    with in_community(booking_on):
        assert db.session.execute(db.select(db.func.count(Booking.id))).scalar() == 1
