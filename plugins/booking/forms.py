"""Forms. Each answers bad input with a message beside the field and keeps what was
typed; ``BaseForm`` reads numbers, dates and times with the platform's parsers."""

from __future__ import annotations

import re

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.plugin_api import BaseForm, MemberField, optional_id
from plugins.booking.i18n import _, _l
from plugins.booking.models import CLAIM_MINUTES, MAX_SPACE_PHOTOS
from plugins.booking.photos import MAX_PHOTO_MB, store

WEEKDAYS = (
    _l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"),
    _l("Friday"), _l("Saturday"), _l("Sunday"),
)  # fmt: skip
PERIOD = re.compile(r"^([0-9]{1,2}):([0-9]{2})\s*[-–~]\s*([0-9]{1,2}):([0-9]{2})$", re.ASCII)


def _values(field) -> list:
    return [choice.value for choice in field.choices]


class BookForm(BaseForm):
    """A booking: the day, the time, what for; staff at the desk also name the person."""

    person = MemberField(_l("For whom (at the desk)"), validators=[Optional()])
    day = DateField(_l("Day"), validators=[DataRequired(_l("Choose a day."))])
    start = TimeField(_l("From"), validators=[DataRequired(_l("Choose a start time."))])
    end = TimeField(_l("Until"), validators=[DataRequired(_l("Choose an end time."))])
    use = SelectField(_l("Use"), validate_choice=False, validators=[Optional()])
    attendees = IntegerField(
        _l("How many people"),
        default=1,
        validators=[
            InputRequired(_l("Say how many people come.")),
            NumberRange(1, 10_000, _l("Between 1 and 10,000.")),
        ],
    )
    purpose = StringField(
        _l("What for"),
        validators=[
            DataRequired(_l("Say in a few words what the booking is for.")),
            Length(max=200),
        ],
        render_kw={"placeholder": _l("e.g. Choir rehearsal")},
    )
    organisation_id = SelectField(
        _l("On behalf of (optional)"), coerce=optional_id, validate_choice=False
    )
    payment = SelectField(_l("Pay with"), validate_choice=False, validators=[Optional()])
    weeks = IntegerField(
        _l("Repeat weekly (number of weeks, 1 = once)"),
        default=1,
        validators=[Optional(), NumberRange(1, 26, _l("Between 1 and 26 weeks."))],
    )

    def validate_use(self, field) -> None:
        if field.data and field.data not in _values(field):
            raise ValidationError(_("Choose one of the uses offered."))

    def validate_organisation_id(self, field) -> None:
        if field.data is not None and field.data not in _values(field):
            raise ValidationError(_("Choose one of the organisations offered."))

    def validate_payment(self, field) -> None:
        if field.data and field.data not in _values(field):
            raise ValidationError(_("Choose one of the ways to pay offered."))


def parse_periods(text: str) -> list[tuple[int, int]] | None:
    """``"09:00-12:00, 18:00-21:30"`` as minute pairs; ``None`` if unreadable."""
    out = []
    for part in re.split(r"[,，;；]", text or ""):
        part = part.strip()
        if not part:
            continue
        match = PERIOD.match(part)
        if not match:
            return None
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        opens, closes = h1 * 60 + m1, h2 * 60 + m2
        if m1 > 59 or m2 > 59 or not 0 <= opens < closes <= 1440:
            return None
        if opens % CLAIM_MINUTES or closes % CLAIM_MINUTES:
            return None
        out.append((opens, closes))
    out.sort()
    if any(a[1] > b[0] for a, b in zip(out, out[1:], strict=False)):
        return None
    return out


def format_periods(periods: list[tuple[int, int]]) -> str:
    return ", ".join(f"{o // 60:02d}:{o % 60:02d}-{c // 60:02d}:{c % 60:02d}" for o, c in periods)


class _HoursField(StringField):
    def pre_validate(self, form) -> None:
        if parse_periods(self.data or "") is None:
            raise ValidationError(
                _("Write periods like 09:00-12:00, 18:00-21:30 (on the half hour).")
            )


class SpaceForm(BaseForm):
    """A space, its rules and its opening hours."""

    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Give the space a name.")), Length(max=80)]
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )
    capacity = IntegerField(
        _l("Capacity (people)"), default=20,
        validators=[DataRequired(_l("Say how many people it holds.")),
                    NumberRange(1, 10_000, _l("Between 1 and 10,000."))],
    )  # fmt: skip
    equipment = StringField(_l("Equipment"), validators=[Optional(), Length(max=300)])
    uses = StringField(
        _l("Allowed uses (separated by commas)"),
        validators=[Optional(), Length(max=300)],
        render_kw={"placeholder": _l("e.g. Rehearsal, Meeting, Class")},
    )
    approval = SelectField(
        _l("Approval"),
        choices=[
            SelectChoice("instant", _l("Confirmed at once")),
            SelectChoice("staff", _l("Staff approve each booking")),
        ],
    )
    fee_yuan = IntegerField(
        _l("Fee per hour (yuan, 0 = free)"), default=0,
        validators=[Optional(), NumberRange(0, 100_000, _l("Between 0 and 100,000."))],
    )  # fmt: skip
    slot_minutes = SelectField(
        _l("Slot size"), coerce=int,
        choices=[
            SelectChoice(30, _l("30 minutes")),
            SelectChoice(60, _l("1 hour")),
            SelectChoice(120, _l("2 hours")),
        ],
    )  # fmt: skip
    min_minutes = IntegerField(
        _l("Shortest booking (minutes)"), default=60,
        validators=[DataRequired(_l("Give the shortest length.")),
                    NumberRange(30, 1440, _l("Between 30 and 1440 minutes."))],
    )  # fmt: skip
    max_minutes = IntegerField(
        _l("Longest booking (minutes)"), default=240,
        validators=[DataRequired(_l("Give the longest length.")),
                    NumberRange(30, 1440, _l("Between 30 and 1440 minutes."))],
    )  # fmt: skip
    advance_days = IntegerField(
        _l("Book up to (days ahead)"), default=14,
        validators=[DataRequired(_l("Say how far ahead people may book.")),
                    NumberRange(1, 365, _l("Between 1 and 365 days."))],
    )  # fmt: skip
    weekly_quota_hours = IntegerField(
        _l("Weekly quota per person (hours, 0 = none)"), default=0,
        validators=[Optional(), NumberRange(0, 168, _l("Between 0 and 168 hours."))],
    )  # fmt: skip
    active = BooleanField(_l("Open for booking"), default=True)
    hours_0 = _HoursField(WEEKDAYS[0])
    hours_1 = _HoursField(WEEKDAYS[1])
    hours_2 = _HoursField(WEEKDAYS[2])
    hours_3 = _HoursField(WEEKDAYS[3])
    hours_4 = _HoursField(WEEKDAYS[4])
    hours_5 = _HoursField(WEEKDAYS[5])
    hours_6 = _HoursField(WEEKDAYS[6])

    def validate_max_minutes(self, field) -> None:
        if self.min_minutes.data and field.data and field.data < self.min_minutes.data:
            raise ValidationError(_("The longest booking cannot be shorter than the shortest."))

    def hours(self) -> dict[int, list[tuple[int, int]]]:
        return {d: parse_periods(getattr(self, f"hours_{d}").data or "") or [] for d in range(7)}


class ClosureForm(BaseForm):
    first_day = DateField(_l("From"), validators=[DataRequired(_l("Choose a day."))])
    last_day = DateField(_l("Until (inclusive)"), validators=[Optional()])
    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Say why it is closed.")), Length(max=120)],
        render_kw={"placeholder": _l("e.g. Spring Festival")},
    )  # fmt: skip

    def validate_last_day(self, field) -> None:
        if field.data and self.first_day.data and field.data < self.first_day.data:
            raise ValidationError(_("The last day cannot be before the first."))


class OrganisationForm(BaseForm):
    name = StringField(
        _l("Organisation"),
        validators=[DataRequired(_l("Give the organisation's name.")), Length(max=80)],
    )
    contact = MemberField(_l("Contact person (books for it)"), validators=[Optional()])
    free = BooleanField(_l("Books free of charge"), default=True)
    priority = BooleanField(_l("Priority (confirmed at once, twice as far ahead)"))


class ReasonForm(BaseForm):
    reason = StringField(
        _l("Reason"), validators=[DataRequired(_l("Give a reason.")), Length(max=300)]
    )


class CancelForm(BaseForm):
    reason = StringField(_l("Message (optional)"), validators=[Optional(), Length(max=300)])


class SpacePhotosForm(BaseForm):
    """Photos for a space: checked by content; good ones are kept when another fails."""

    photos = MultipleFileField(
        _l("Photos (JPEG, PNG or WebP)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    caption = StringField(
        _l("What they show (optional)"),
        validators=[Optional(), Length(max=120)],
        render_kw={"placeholder": _l("e.g. The stage seen from the door")},
    )

    def __init__(self, *args, stored: int = 0, kept=(), user_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.room = max(0, MAX_SPACE_PHOTOS - stored)
        # Photos kept from an earlier try (this person's tokens; others' are dropped).
        self.photo_files = store.kept_photos(kept, user_id)[: self.room]

    def validate_photos(self, field):
        if self.room == 0:
            raise ValidationError(
                _("This space has %(n)d photos already; remove one first.", n=MAX_SPACE_PHOTOS)
            )
        errors = store.accept(
            field.data or [],
            self.photo_files,
            max_photos=self.room,
            max_bytes=MAX_PHOTO_MB * 1024 * 1024,
            limit=MAX_SPACE_PHOTOS,
        )
        if errors:
            raise ValidationError(" ".join(str(e) for e in errors))
        if not self.photo_files:
            raise ValidationError(_("Choose one or more photos."))
