"""What ``make bench`` loads: the pages, who views them, and the writes in the mix.

Each plugin adds its pages and writes here when it is built (issue 19 sets the pattern):
a :class:`Page` per page people open often, measured alone and in the mix, and a
:class:`Write` for what they submit. ``role`` names a generated person of the large
community (bench/data: ``admin``, ``staff1``.., ``resident<id>``); None is a visitor.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    plugin: str  # "core" or the plugin that must be installed
    role: str | None
    path: str  # "{slug}" is the large community's


@dataclass(frozen=True)
class Write:
    name: str
    label: str
    plugin: str
    role: str
    form_path: str  # a GET that renders the form (for the CSRF token)
    path: str
    fields: dict[str, str] = field(default_factory=dict)


PAGES = [
    Page("login", "login page", "core", None, "/login"),
    Page("dashboard", "community dashboard (every plugin on)", "core", "staff1", "/c/{slug}/"),
    Page("ledger", "request ledger", "requests", "staff1", "/c/{slug}/requests/ledger"),
    Page("board", "public board of closed requests", "requests", None, "/c/{slug}/requests/board"),
    Page("volunteer", "volunteer's own page", "volunteers", "resident", "/c/{slug}/volunteers/me"),
    Page(
        "leaderboard",
        "volunteer leaderboard (year)",
        "volunteers",
        "resident",
        "/c/{slug}/volunteers/leaderboard?period=year",
    ),
    Page(
        "booking_week",
        "booking: a room's week",
        "booking",
        "resident",
        "/c/{slug}/booking/spaces/1",
    ),
    Page(
        "booking_rooms", "booking: every room, today", "booking", "resident", "/c/{slug}/booking/"
    ),
    Page("booking_free", "booking: free slots, public", "booking", None, "/c/{slug}/booking/free"),
    Page("funds_public", "funds: the public account", "funds", None, "/c/{slug}/funds/public"),
    Page(
        "funds_fund", "funds: a fund's entries, public", "funds", None, "/c/{slug}/funds/public/1"
    ),
]

WRITES = [
    Write(
        "file_request",
        "a resident files a request",
        "requests",
        "resident",
        "/c/{slug}/requests/new",
        "/c/{slug}/requests/new",
        {
            "title": "楼道灯不亮，晚上看不见台阶",
            "building": "3栋2单元",
            "grid": "第二网格",
            "contact_preference": "message",
            "anonymous": "y",
        },
    ),
]

READS_PER_WRITE = 10
