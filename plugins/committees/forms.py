from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from core.plugin_api import BaseForm, MemberField, parse_int
from plugins.committees.i18n import _, _l
from plugins.committees.labels import GROUP_LABELS, KIND_LABELS, ROLE_LABELS
from plugins.committees.models import KINDS, REVIEW_GROUPS, ROLES

MAX_SEATS = 99


def _required():
    return DataRequired(message=_l("This field is required."))


def _number_required():
    return InputRequired(message=_l("This field is required."))


class CommitteeForm(BaseForm):
    kind = SelectField(_l("From the menu"), choices=[], validators=[_required()])
    name = StringField(_l("Name"), validators=[_required(), Length(max=60)])
    remit = TextAreaField(
        _l("Remit"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 4}
    )
    contact = StringField(
        _l("Contact (a phone, a place, office hours)"), validators=[Optional(), Length(max=120)]
    )
    schedule = StringField(_l("Meeting schedule"), validators=[Optional(), Length(max=120)])
    min_seats = IntegerField(
        _l("Minimum members"),
        default=3,
        validators=[
            _number_required(),
            NumberRange(min=0, max=MAX_SEATS, message=_l("From %(min)s to %(max)s.")),
        ],
    )
    max_seats = IntegerField(
        _l("Maximum members"),
        default=7,
        validators=[
            _number_required(),
            NumberRange(min=1, max=MAX_SEATS, message=_l("From %(min)s to %(max)s.")),
        ],
    )

    def __init__(self, *args, seats_taken: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats_taken = seats_taken
        self.kind.choices = [(k, str(KIND_LABELS[k])) for k in KINDS]

    def validate_max_seats(self, field) -> None:
        low = self.min_seats.data
        if isinstance(low, int) and isinstance(field.data, int) and field.data < low:
            raise ValidationError(_("The maximum cannot be below the minimum."))
        if isinstance(field.data, int) and field.data < self.seats_taken:
            raise ValidationError(
                _(
                    "%(num)d members hold seats now: the maximum cannot be lower.",
                    num=self.seats_taken,
                )
            )


class ApplyForm(BaseForm):
    statement = TextAreaField(
        _l("Why you want to serve (a few sentences)"),
        validators=[_required(), Length(max=500)],
        render_kw={"rows": 4},
    )


class AppointForm(BaseForm):
    role = SelectField(_l("Role"), choices=[], default="member", validators=[_required()])
    term_start = DateField(_l("Term starts"), validators=[_required()])
    term_end = DateField(_l("Term ends"), validators=[_required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r, str(ROLE_LABELS[r])) for r in ROLES]
        for field in (self.term_start, self.term_end):
            if field.process_errors:  # core's message names the format in Latin letters
                field.process_errors = [_("Enter a date such as 2026-07-01.")]

    def validate_term_end(self, field) -> None:
        if self.term_start.data and field.data and field.data < self.term_start.data:
            raise ValidationError(_("The term cannot end before it starts."))


def _friendly_dates(form, *fields) -> None:
    for field in fields:
        if field.process_errors:  # core's message names the format in Latin letters
            field.process_errors = [_("Enter a date such as 2026-07-01.")]


class MeetingForm(BaseForm):
    held_on = DateField(_l("Date"), validators=[_required()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=120)])
    agenda = TextAreaField(
        _l("Agenda"), validators=[_required(), Length(max=4000)], render_kw={"rows": 5}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _friendly_dates(self, self.held_on)


class MinutesForm(BaseForm):
    minutes = TextAreaField(
        _l("Minutes"), validators=[Optional(), Length(max=20_000)], render_kw={"rows": 8}
    )


class DecisionForm(BaseForm):
    decided_on = DateField(_l("Date"), validators=[_required()])
    text = TextAreaField(
        _l("Decision"), validators=[_required(), Length(max=500)], render_kw={"rows": 3}
    )
    public = BooleanField(_l("Public: also show on the public page"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _friendly_dates(self, self.decided_on)


class ReviewForm(BaseForm):
    name = StringField(_l("Name of the round"), validators=[_required(), Length(max=80)])
    year = IntegerField(
        _l("Year (this year if left blank)"),
        validators=[
            Optional(),
            NumberRange(min=2000, max=2100, message=_l("From %(min)s to %(max)s.")),
        ],
    )
    year_end = BooleanField(_l("Year-end round: its results set the year's rewards"))
    due_on = DateField(_l("Scores due by (optional)"), validators=[Optional()])
    weight_party = IntegerField(
        _l("Weight of the party committee (%)"),
        default=40,
        validators=[
            _number_required(),
            NumberRange(min=0, max=100, message=_l("From %(min)s to %(max)s.")),
        ],
    )
    weight_units = IntegerField(
        _l("Weight of the member units (%)"),
        default=30,
        validators=[
            _number_required(),
            NumberRange(min=0, max=100, message=_l("From %(min)s to %(max)s.")),
        ],
    )
    weight_residents = IntegerField(
        _l("Weight of the resident representatives (%)"),
        default=30,
        validators=[
            _number_required(),
            NumberRange(min=0, max=100, message=_l("From %(min)s to %(max)s.")),
        ],
    )
    criteria = TextAreaField(
        _l("Criteria: one a line, its name then its maximum points (Work done 40)"),
        validators=[_required(), Length(max=2000)],
        render_kw={"rows": 5},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _friendly_dates(self, self.due_on)

    def validate_weight_residents(self, field) -> None:
        values = [self.weight_party.data, self.weight_units.data, field.data]
        if all(isinstance(v, int) for v in values) and sum(values) != 100:
            raise ValidationError(_("The three weights must add up to 100."))

    def validate_criteria(self, field) -> None:
        self.parsed_criteria = []
        for line in (field.data or "").splitlines():
            if not line.strip():
                continue
            name, _sep, points = line.strip().rpartition(" ")
            maximum = parse_int(points)
            if not name.strip() or maximum is None or not 1 <= maximum <= 1000:
                raise ValidationError(
                    _("Write each criterion as a name, a space and its maximum (1 to 1000).")
                )
            self.parsed_criteria.append((name.strip()[:60], maximum))
        if not self.parsed_criteria:
            raise ValidationError(_("This field is required."))
        if len(self.parsed_criteria) > 20:
            raise ValidationError(_("At most 20 criteria."))


class AssessorForm(BaseForm):
    """Staff add a member of the community as an assessor of a round, in a group."""

    person = MemberField(_l("Assessor (a member of the community)"), validators=[_required()])
    assessor_group = SelectField(_l("Assessor group"), choices=[], validators=[_required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessor_group.choices = [(g, str(GROUP_LABELS[g])) for g in REVIEW_GROUPS]


class MatterAnswerForm(BaseForm):
    """A committee's answer to a community matter, or why it hands it back."""

    text = TextAreaField(
        _l("Your answer (the requester reads it)"),
        validators=[_required(), Length(max=2000)],
        render_kw={"rows": 4},
    )


class HandBackForm(BaseForm):
    text = TextAreaField(
        _l("Why the committee hands it back (staff read it)"),
        validators=[_required(), Length(max=2000)],
        render_kw={"rows": 2},
    )
