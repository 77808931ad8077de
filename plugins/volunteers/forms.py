"""Forms. Each answers bad input with a message beside the field and keeps what was typed;
``BaseForm`` cleans text and reads numbers, dates and times with the platform's parsers."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.plugin_api import BaseForm, optional_id
from plugins.volunteers.i18n import _l
from plugins.volunteers.points import parse_hours


def _values(choices) -> set:
    """The values of a field's choices, given as pairs or as ``SelectChoice``s."""
    return {c.value if isinstance(c, SelectChoice) else c[0] for c in choices or ()}


class ActivityForm(BaseForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(_l("Give the activity a title.")), Length(max=120)]
    )
    starts_at = DateTimeLocalField(
        _l("Starts"), validators=[InputRequired(_l("When does it start?"))]
    )
    ends_at = DateTimeLocalField(_l("Ends"), validators=[InputRequired(_l("When does it end?"))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=120)])
    slots = IntegerField(
        _l("Volunteers wanted"),
        default=10,
        validators=[
            InputRequired(_l("How many volunteers are wanted?")),
            NumberRange(1, 1000, _l("From 1 to 1000 volunteers.")),
        ],
    )
    category_id = SelectField(_l("Category"), coerce=optional_id, validate_choice=False)
    team_id = SelectField(_l("Team (optional)"), coerce=optional_id, validate_choice=False)
    skills = StringField(_l("Skills wanted (optional)"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(
        _l("Details (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )

    def validate_ends_at(self, field) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))
        if self.starts_at.data and field.data and (field.data - self.starts_at.data).days > 366:
            raise ValidationError(_l("An activity lasts at most a year."))

    def validate_category_id(self, field) -> None:
        if field.data not in _values(field.choices):
            raise ValidationError(_l("Choose one of the categories."))

    def validate_team_id(self, field) -> None:
        if field.data is not None and field.data not in _values(field.choices):
            raise ValidationError(_l("Choose one of the teams."))


class SelfReportForm(BaseForm):
    activity_id = SelectField(_l("Activity"), coerce=optional_id, validate_choice=False)
    category_id = SelectField(
        _l("Kind of service (without an activity)"), coerce=optional_id, validate_choice=False
    )
    day = DateField(_l("Date"), validators=[InputRequired(_l("On which day?"))])
    start = TimeField(_l("From (optional)"), validators=[Optional()])
    hours = StringField(
        _l("Hours"),
        validators=[InputRequired(_l("How many hours?"))],
        render_kw={"inputmode": "decimal", "placeholder": "2.5"},
    )
    note = StringField(_l("What did you do? (optional)"), validators=[Optional(), Length(max=300)])

    minutes: int | None = None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.day.process_errors:  # the platform's message names a Latin pattern
            self.day.errors = [str(_l("Enter the date as year-month-day, e.g. 2026-11-30."))]
        return ok

    def validate_hours(self, field) -> None:
        self.minutes = parse_hours(field.data)
        if self.minutes is None:
            raise ValidationError(_l("Enter hours from 0.25 to 24, e.g. 2 or 1.5."))

    def validate_activity_id(self, field) -> None:
        if field.data is not None and field.data not in _values(field.choices):
            raise ValidationError(_l("Choose one of the activities."))

    def validate_category_id(self, field) -> None:
        if self.activity_id.data is None and field.data not in _values(field.choices):
            raise ValidationError(_l("Choose an activity or a kind of service."))


class RejectForm(BaseForm):
    reason = StringField(
        _l("Reason"),
        validators=[DataRequired(_l("Say why, so the volunteer knows.")), Length(max=300)],
    )


class ItemForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the item.")), Length(max=80)])
    description = StringField(
        _l("Description (optional)"), validators=[Optional(), Length(max=300)]
    )
    price = IntegerField(
        _l("Price in points"),
        validators=[
            InputRequired(_l("Set a price.")),
            NumberRange(1, 1_000_000, _l("From 1 to 1,000,000 points.")),
        ],
    )
    stock = IntegerField(
        _l("Stock"),
        validators=[
            InputRequired(_l("How many are there?")),
            NumberRange(0, 100_000, _l("From 0 to 100,000.")),
        ],
    )
    active = BooleanField(_l("On offer"), default=True)


class CategoryForm(BaseForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Name the category.")), Length(max=60)]
    )
    rate_per_hour = IntegerField(
        _l("Points per hour"),
        default=10,
        validators=[
            InputRequired(_l("Set the points per hour.")),
            NumberRange(0, 10_000, _l("From 0 to 10,000 points.")),
        ],
    )
    multiplier_pct = IntegerField(
        _l("Multiplier (%, 100 = ×1)"),
        default=100,
        validators=[
            InputRequired(_l("Set the multiplier.")),
            NumberRange(0, 1000, _l("From 0 to 1000.")),
        ],
    )


class TeamForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the team.")), Length(max=80)])
    contact = StringField(_l("Contact or schedule"), validators=[Optional(), Length(max=80)])
    description = StringField(
        _l("Description (optional)"), validators=[Optional(), Length(max=300)]
    )


class ProfileForm(BaseForm):
    skills = StringField(
        _l("My skills"),
        validators=[Optional(), Length(max=200)],
        render_kw={"placeholder": _l("e.g. first aid, hairdressing, Excel")},
    )
    availability = StringField(
        _l("When I am free"),
        validators=[Optional(), Length(max=120)],
        render_kw={"placeholder": _l("e.g. Saturday mornings")},
    )
    leaderboard_opt_out = BooleanField(_l("Leave me off the leaderboard"))
