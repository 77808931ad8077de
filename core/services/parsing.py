"""Values from user input (query strings, form fields, hidden ``next`` fields): the one
place that turns text into numbers, ids, dates, times and redirect targets.

Each parser answers ``None`` for anything it cannot read and never raises, so the caller
chooses between a clear 4xx message and ignoring the value. What they accept is narrow on
purpose: ASCII digits only (``str.isdigit()`` and ``int()`` also take other scripts'
digits, superscripts and ``1_000``, and disagree with each other), numbers a BIGINT column
holds, and dates far enough from ``datetime``'s limits that any time on them converts
between every time zone and UTC, with room for arithmetic.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from urllib.parse import urlsplit, urlunsplit

BIGINT_MAX = 2**63 - 1
BIGINT_MIN = -(2**63)
# The dates a person enters (deadlines, meetings, filters). Year 1 or 9999 with a time
# zone overflows when converted to UTC; nobody means them.
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2999, 12, 31)

_INTEGER = re.compile(r"[+-]?[0-9]{1,19}", re.ASCII)
_DATE = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_TIME = r"([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]{1,6})?)?"
_DATE_ONLY = re.compile(_DATE, re.ASCII)
_TIME_ONLY = re.compile(_TIME, re.ASCII)
_DATE_TIME = re.compile(_DATE + "[T ]" + _TIME, re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{1,2})", re.ASCII)
# The months a person picks (payroll, an office's figures): the platform's own era.
MONTH_YEARS = (2000, 2100)
MAX_REDIRECT_LENGTH = 2048


_ASCII_SPACE = " \t\n\r\f\v"


def _text(raw: object) -> str | None:
    """The text between ASCII spaces (``str.strip()`` also drops \\x1c-\\x1f and others)."""
    return raw.strip(_ASCII_SPACE) if isinstance(raw, str) else None


def parse_int(
    raw: str | int | None, *, minimum: int = BIGINT_MIN, maximum: int = BIGINT_MAX
) -> int | None:
    """An integer written in ASCII digits (optional sign), within [minimum, maximum]."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    else:
        text = _text(raw)
        if text is None or not _INTEGER.fullmatch(text):
            return None
        value = int(text)
    return value if minimum <= value <= maximum else None


def parse_id(raw: str | int | None) -> int | None:
    """A positive id that a BIGINT column can hold, or None (never an overflow later)."""
    return parse_int(raw, minimum=1)


def parse_date(raw: str | None) -> date | None:
    """A date written ``YYYY-MM-DD`` (what ``<input type="date">`` sends), within
    DATE_MIN..DATE_MAX."""
    text = _text(raw)
    match = _DATE_ONLY.fullmatch(text) if text else None
    if match is None:
        return None
    try:
        value = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return value if DATE_MIN <= value <= DATE_MAX else None


def parse_month(raw: str | None) -> date | None:
    """A month written ``YYYY-MM`` (or ``YYYY-M``, what ``<input type="month">`` sends or a
    person types), as its first day; years within MONTH_YEARS."""
    text = _text(raw)
    match = _MONTH.fullmatch(text) if text else None
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (MONTH_YEARS[0] <= year <= MONTH_YEARS[1] and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def parse_time(raw: str | None) -> time | None:
    """A time of day written ``HH:MM`` or ``HH:MM:SS`` (``<input type="time">``)."""
    text = _text(raw)
    match = _TIME_ONLY.fullmatch(text) if text else None
    return _time(match.groups()) if match else None


def parse_datetime(raw: str | None) -> datetime | None:
    """A wall-clock time written ``YYYY-MM-DDTHH:MM[:SS]`` (``<input type="datetime-local">``),
    naive, its date within DATE_MIN..DATE_MAX: attaching any time zone to it is safe."""
    text = _text(raw)
    match = _DATE_TIME.fullmatch(text) if text else None
    if match is None:
        return None
    day = parse_date(text[:10])
    clock = _time(match.groups()[3:])
    return datetime.combine(day, clock) if day and clock else None


def _time(parts: tuple[str | None, ...]) -> time | None:
    hour, minute, second = (int(part or 0) for part in parts[:3])
    try:
        return time(hour, minute, second)
    except ValueError:
        return None


def local_path(raw: str | None) -> str | None:
    """``raw`` if it is a path on this site (``/c/x/?q=1``), normalised; else None.

    Browsers drop tabs and newlines inside a URL and read ``\\`` as ``/``, so ``/\\t/evil.org``
    and ``/\\evil.org`` lead to another site: any control or format character, any
    whitespace and any backslash refuse the value rather than being cleaned away.
    """
    if not isinstance(raw, str) or not raw or len(raw) > MAX_REDIRECT_LENGTH:
        return None
    if any(ch == "\\" or ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in raw):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith("//"):
        return None
    return urlunsplit(("", "", parts.path, parts.query, parts.fragment))
