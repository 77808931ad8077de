"""Property-based: never a 5xx and never a redirect off the site, whatever is typed or put
in a query string.

Every GET route (discovered from the URL map, on the community's own objects, as its admin
who also runs the platform and holds its street office) gets arbitrary values for its
parameters; every form found on those pages and on the sign-in pages (read from the HTML,
with each field's type) is posted with arbitrary text, numbers, dates and choices. The
known classes of fault are tried in every field first. The seed is fixed and the examples
bounded, so CI runs the same cases each time, quickly.
In tests a server error raises, so hypothesis shows the smallest input that causes it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from route_discovery import community_ids, urls_for

EXAMPLES = settings(
    derandomize=True,
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
UNICODE = st.characters(exclude_categories=("Cs",))  # HTTP cannot carry lone surrogates
# Every character here passes str.isdigit(); int() refuses some of them.
DIGIT_LIKE = "0123456789²³③①١٢३௫𝟙１"
TEXT = st.one_of(
    st.text(UNICODE, max_size=200),
    st.text(st.sampled_from("\x00\x07\t\n\r\x0b\x1b\x85\u2028\u202e<>'\"%&;\\/"), max_size=30),
    st.sampled_from(["", " ", "x" * 5000, "9" * 40, "'; drop table users; --"]),
)
NUMBER = st.one_of(
    st.text(st.sampled_from(DIGIT_LIKE), min_size=1, max_size=25),
    st.integers().map(str),
    st.text(st.sampled_from(DIGIT_LIKE + "-+_.e "), min_size=1, max_size=25),
)
EDGE_DATES = [date.min, date.max, date(1, 1, 2), date(9999, 12, 30), date(1900, 1, 1)]
DATE = st.one_of(
    st.sampled_from(EDGE_DATES).map(date.isoformat),
    st.dates().map(date.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.text(st.sampled_from(DIGIT_LIKE + "-:T"), max_size=20),
)
TIME = st.one_of(
    st.times().map(time.isoformat), st.text(st.sampled_from(DIGIT_LIKE + ":"), max_size=9)
)
ANY_VALUE = st.one_of(NUMBER, DATE, TEXT)
# The known classes of fault (issue 16) are always tried, in every field at once, before
# the generated examples.
EDGES = [
    "²", "①", "١٢", "0001-01-01", "9999-12-31", "/\t/evil.example", "/\r\n/evil.example",
    "a\nb\x07",
]  # fmt: skip
QUERY_NAMES = [
    "q", "before", "after", "page", "format", "status", "kind", "category", "owner",
    "overdue", "date_from", "date_to", "all", "next", "action", "show_link", "month", "year",
    "day", "from", "to", "period", "code", "session_id", "checkout", "field",
]  # fmt: skip

# Pages added after the probe that found these faults: each must open (200) to be probed.
REACHED = [
    "/o/fuzz-street/", "/o/fuzz-street/matters/", "/o/fuzz-street/communities/",
    "/o/fuzz-street/figures.", "/o/fuzz-street/public", "/operator/offices/",
    "/c/alpha/billing/", "/operator/billing", "/c/alpha/funds/", "/c/alpha/salaries/",
    "/c/alpha/booking/", "/c/alpha/committees/", "/c/alpha/volunteers/",
    "/c/alpha/volunteers/hours.",
]  # fmt: skip
FORMS_REACHED = [
    "/notifications/", "/o/fuzz-street/matters/", "/operator/offices/", "/c/alpha/funds/",
    "/c/alpha/salaries/", "/c/alpha/booking/", "/c/alpha/committees/", "/c/alpha/volunteers/",
]  # fmt: skip


class Forms(HTMLParser):
    """The POST forms of a page: action and each field's kind (and a select's options)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag == "input" and a.get("name") != "csrf_token":
            kind = a.get("type", "text")
            if a.get("inputmode") == "numeric":
                kind = "number"
            if kind != "file":
                self._form["fields"][a["name"]] = (kind, [])
        elif tag == "textarea":
            self._form["fields"][a["name"]] = ("text", [])
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"][a["name"]] = ("select", [])
        elif tag == "option" and self._select:
            self._form["fields"][self._select][1].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def _value_for(kind: str, options: list[str]):
    if kind in ("number", "range"):
        return NUMBER
    if kind in ("date", "month"):
        return DATE
    if kind == "datetime-local":
        return st.one_of(st.datetimes().map(lambda d: d.isoformat(timespec="minutes")), DATE)
    if kind == "time":
        return TIME
    if kind in ("checkbox", "radio") and options == []:
        return st.sampled_from(["y", "1", "", "on", "\x00"])
    if kind == "email":
        return st.one_of(st.emails(), TEXT)
    if kind == "select" and options:
        return st.one_of(st.sampled_from(options), ANY_VALUE)
    return st.one_of(TEXT, ANY_VALUE)


def _forms_on(html: str) -> list[dict]:
    parser = Forms()
    parser.feed(html)
    return parser.forms


def _as_operator_too(app, admin):
    """The admin also runs the platform, so the operator console is probed too."""
    from core.extensions import db
    from core.models import User

    with app.app_context():
        db.session.get(User, admin.id).is_operator = True
        db.session.commit()


def _still_admin(client, login, admin):
    return client if client.get("/c/alpha/settings").status_code == 200 else login(admin)


def _off_site(response) -> bool:
    """A redirect that a browser follows to another host (it drops tabs and newlines and
    leading control characters, and reads backslashes as slashes)."""
    location = response.headers.get("Location") or response.headers.get("HX-Redirect")
    if not location:
        return False
    cleaned = re.sub(r"[\t\n\r]", "", location).lstrip("".join(map(chr, range(0x21))))
    return urlsplit(cleaned.replace("\\", "/")).netloc not in ("", "localhost")


def _pages(app, community, client, slug: str, first_only: bool = True):
    """The GET routes' pages: per route the first discovered URL that opens (else the
    first), or (``first_only=False``) every discovered URL, e.g. one per request state."""
    with app.app_context():
        ids = community_ids(community.id)
    plugin_ids = app.extensions["gongzhi.plugins"].active_ids
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        first = None
        for url in urls_for(app, rule, ids, plugin_ids, slug):
            page = client.get(url)
            assert page.status_code < 500, url
            if not first_only:
                yield url, page
            elif first is None or page.status_code == 200 and first[1].status_code != 200:
                first = (url, page)
        if first_only and first:
            yield first


def _with_edges(test, names):
    for edge in EDGES:
        test = example({name: edge for name in names})(test)
    return test


def _probe_query(client, url: str, names: list[str]) -> None:
    @EXAMPLES
    @given(st.fixed_dictionaries({}, optional={name: ANY_VALUE for name in names}))
    def probe(query):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (url, query)
        assert not _off_site(response), (url, query, response.headers["Location"])

    _with_edges(probe, names)()


def _probe_form(client, form: dict) -> None:
    fields = form["fields"].items()
    strategy = st.fixed_dictionaries({n: _value_for(kind, opts) for n, (kind, opts) in fields})

    @EXAMPLES
    @given(strategy)
    def probe(data):
        # htmx requests get fragments (errors too): every other example is one
        headers = {"HX-Request": "true"} if len(str(data)) % 2 else {}
        response = client.post(form["action"], data=data, headers=headers)
        assert response.status_code < 500, (form["action"], data)
        assert not _off_site(response), (form["action"], data)

    _with_edges(probe, list(form["fields"]))()


def test_every_get_route_with_arbitrary_query_values(app, filled, login, community, street_office):
    _as_operator_too(app, filled)
    client = login(filled)
    opened = set()
    for url, page in list(_pages(app, community, client, street_office)):
        html = page.get_data().decode("utf-8", "replace")
        names = sorted(set(QUERY_NAMES) | set(re.findall(r'name="([\w-]+)"', html)))
        _probe_query(client, url, names)
        if page.status_code == 200:
            opened.add(url)
        client = _still_admin(client, login, filled)
    # the later modules' pages are reached (probing a page that 404s tests nothing)
    for reached in REACHED:
        assert any(url.startswith(reached) for url in opened), reached
    assert len(opened) > 150


def _destructive(action: str) -> bool:
    """Forms that remove things or switch modules off go last, so the rest still exist."""
    return bool(re.search(r"/(delete|remove)$|/settings/modules/[^/]+$", action))


def test_every_form_field_with_arbitrary_text_numbers_and_dates(
    app, filled, login, community, street_office, unread_notifications
):
    _as_operator_too(app, filled)
    client = login(filled)
    forms: dict[tuple, dict] = {}  # one per route and set of fields
    pages = list(_pages(app, community, client, street_office, first_only=False))
    for plugin_id in app.extensions["gongzhi.plugins"].active_ids:  # every schema's form
        url = f"/c/alpha/settings/modules/{plugin_id}/settings"
        pages.append((url, client.get(url)))
    for url, page in pages:
        for form in _forms_on(page.get_data().decode("utf-8", "replace")):
            form["action"] = action = form["action"] or url
            if action.startswith("/") and action not in ("/logout", "/lang"):
                shape = (re.sub(r"/[0-9]+", "/N", action), tuple(sorted(form["fields"])))
                forms.setdefault(shape, form)
    anonymous = app.test_client()
    for path in ("/login", "/signup", "/reset"):
        for form in _forms_on(anonymous.get(path).get_data(as_text=True)):
            forms.setdefault(("anon", path), {**form, "action": path, "anonymous": True})
    assert len(forms) > 20
    for reached in FORMS_REACHED:
        assert any(f["action"].startswith(reached) for f in forms.values()), reached
    posted = 0
    for form in sorted(forms.values(), key=lambda f: (_destructive(f["action"]), f["action"])):
        poster = anonymous if form.get("anonymous") else client
        _probe_form(poster, form)
        posted += 1
        client = _still_admin(client, login, filled)
    assert posted == len(forms)
