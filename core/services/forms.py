"""The base of every form (core's and plugins'): the one place where typed text loses
control characters and where numbers, dates and times are read by ``parsing``.

``BaseForm`` binds each field through ``Meta.bind_field``, so a form only has to derive
from it: single-line text fields turn tabs and line breaks into spaces, drop other
control characters (they would break mail headers, CSV/Excel cells and PostgreSQL text)
and trim spaces at the ends; text areas keep line breaks and tabs. WTForms'
``IntegerField``, ``DateField``, ``DateTimeLocalField`` and ``TimeField`` are replaced by
the subclasses below, which accept ASCII digits only and dates within
``DATE_MIN``..``DATE_MAX`` and say so in the user's language (a 422 beside the field, with
what was typed kept).
"""

from __future__ import annotations

import re
from typing import Any

import wtforms
from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms.fields.core import UnboundField
from wtforms.validators import StopValidation

from core.services.parsing import (
    DATE_MAX,
    DATE_MIN,
    parse_date,
    parse_datetime,
    parse_id,
    parse_int,
    parse_time,
)

# Control characters that are line or field breaks, and the rest (with lone surrogates).
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]")
_TEXT_BREAKS = re.compile(r"\r\n?|[\v\f\x1c-\x1f\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ud800-\udfff]")


def clean_line(value: Any) -> Any:
    """One line of text: breaks become spaces, other control characters go, and so do
    spaces at either end."""
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", _BREAKS.sub(" ", value)).strip()


def clean_text(value: Any) -> Any:
    """Several lines: line breaks become ``\\n``, tabs stay, other control characters go."""
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", _TEXT_BREAKS.sub("\n", value))


def date_message() -> str:
    return gettext(
        "Enter a date from %(first)s to %(last)s as YYYY-MM-DD.",
        first=DATE_MIN.isoformat(),
        last=DATE_MAX.isoformat(),
    )


class _Parsed:
    """What was typed could not be read: say that, and skip the field's validators
    (``DataRequired`` would replace the message with "required", NumberRange with a
    range, while the value is there but unreadable)."""

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()


class IntegerField(_Parsed, wtforms.IntegerField):
    """A whole number in ASCII digits that a BIGINT column holds."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        raw = valuelist[0]
        self.data = parse_int(raw)
        if self.data is None and str(raw).strip():
            raise ValueError(self.invalid_value_message or gettext("Enter a whole number."))


class DateField(_Parsed, wtforms.DateField):
    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.data = parse_date(valuelist[0])
        if self.data is None and str(valuelist[0]).strip():
            raise ValueError(self.invalid_value_message or date_message())


class DateTimeLocalField(_Parsed, wtforms.DateTimeLocalField):
    """Naive wall-clock time, or aware in ``tz`` when given (as WTForms does)."""

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.data = parse_datetime(valuelist[0])
        if self.data is None and str(valuelist[0]).strip():
            raise ValueError(
                self.invalid_value_message
                or gettext("Enter a date and time such as 2026-11-22T09:30.")
            )
        tz = self._resolve_tz()
        if tz is not None and self.data is not None:
            self.data = self.data.replace(tzinfo=tz)


class TimeField(_Parsed, wtforms.TimeField):
    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.data = parse_time(valuelist[0])
        if self.data is None and str(valuelist[0]).strip():
            raise ValueError(self.invalid_value_message or gettext("Enter a time such as 09:30."))


_UPGRADES: dict[type, type] = {
    wtforms.IntegerField: IntegerField,
    wtforms.DateField: DateField,
    wtforms.DateTimeLocalField: DateTimeLocalField,
    wtforms.TimeField: TimeField,
}


def _cleaner(field_class: type):
    if issubclass(field_class, wtforms.PasswordField):
        return None  # hashed, never shown: changing it would lock its owner out
    if issubclass(field_class, wtforms.TextAreaField):
        return clean_text
    if issubclass(field_class, wtforms.StringField):
        return clean_line
    return None


class BaseForm(FlaskForm):
    """Derive every form from this (plugins: ``from core.plugin_api import BaseForm``)."""

    class Meta:
        def bind_field(self, form, unbound_field: UnboundField, options: dict):
            field_class = _UPGRADES.get(unbound_field.field_class, unbound_field.field_class)
            if field_class is not unbound_field.field_class:
                unbound_field = UnboundField(
                    field_class, *unbound_field.args, **unbound_field.kwargs
                )
            cleaner = _cleaner(field_class)
            if cleaner is not None:
                options = {
                    **options,
                    "filters": (cleaner, *unbound_field.kwargs.get("filters", ())),
                }
            return unbound_field.bind(form=form, **options)


def optional_id(value: Any) -> int | None:
    """``coerce`` for a SelectField of ids with an empty choice: "" is None; anything that
    is not an id is refused (WTForms reports "Invalid choice")."""
    if value in (None, "", "None"):
        return None
    parsed = parse_id(value)
    if parsed is None:
        raise ValueError("not an id")
    return parsed
