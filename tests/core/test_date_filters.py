"""The template date filters write out Babel's two patterns by hand (a list formats
dozens of dates); they must say exactly what Babel says, in both languages, in the
community's time zone."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import force_locale, format_date, format_datetime
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.web.templating import date, datetime_

PATTERNS = {"zh_Hans": "yyyy年M月d日", "en": "yyyy-MM-dd"}


@settings(  # the app is only read
    derandomize=True,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    value=st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30)),
    locale=st.sampled_from(sorted(PATTERNS)),
)
def test_dates_read_as_babel_writes_them(app, value, locale):
    value = value.replace(tzinfo=UTC)
    with app.test_request_context(), force_locale(locale):
        assert date(value) == format_date(value, PATTERNS[locale])
        assert datetime_(value) == format_datetime(value, PATTERNS[locale] + " HH:mm")
