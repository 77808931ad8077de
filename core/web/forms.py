"""Core forms. Labels are lazy so they follow the request's language; every form derives
from ``BaseForm`` (text cleaned, numbers and dates read by core.services.parsing)."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from core.services.forms import BaseForm
from core.services.i18n import LANGUAGES
from core.services.time import DEFAULT_TIMEZONE
from tenants.models import COMMUNITY_KINDS, CORE_ROLES, SLUG_PATTERN

PASSWORD_MIN = 8
# The one place core roles and community kinds get their words.
ROLE_LABELS = dict(zip(CORE_ROLES, (_l("Admin"), _l("Staff"), _l("Member")), strict=True))
KIND_LABELS = dict(zip(COMMUNITY_KINDS, (_l("Urban"), _l("Rural town")), strict=True))
# Each language's name in that language, marked so (lang) for readers and screen readers.
LANGUAGE_CHOICES = [
    SelectChoice(code, name, render_kw={"lang": "en" if code == "en" else "zh-Hans"})
    for code, name in LANGUAGES.items()
]
# Time zones in plain words (any other valid zone is still accepted and shown by its name).
TIMEZONE_LABELS = {
    DEFAULT_TIMEZONE: _l("Beijing time (all of China)"),
    "Asia/Urumqi": _l("Xinjiang time"),
    "Asia/Hong_Kong": _l("Hong Kong time"),
    "Asia/Macau": _l("Macao time"),
    "Asia/Taipei": _l("Taipei time"),
}


def valid_email() -> Email:
    """WTForms' own message is "Invalid email address." and its Chinese one mixes in
    "Email": ours is said in each language's words."""
    return Email(_l("Enter a valid e-mail address."))


class TimezoneField(SelectField):
    """A time zone chosen by its plain name; a zone stored earlier that is not in the list
    is offered under its own name, so saving a form never changes it."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, validate_choice=False, **kwargs)

    def iter_choices(self):
        self.choices = [SelectChoice(zone, label) for zone, label in TIMEZONE_LABELS.items()]
        if self.data and self.data not in TIMEZONE_LABELS:
            self.choices.append(SelectChoice(self.data, self.data))
        return super().iter_choices()


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


class SignupForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=128)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ForgotForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])


class ResetForm(BaseForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=128)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


def _valid_timezone(_form, field) -> None:
    if field.data not in available_timezones():
        raise ValidationError(_l("Unknown time zone."))


class CommunityForm(BaseForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Web address name"),
        validators=[
            DataRequired(),
            Length(min=2, max=64),
            Regexp(f"^{SLUG_PATTERN}$", message=_l("Use lower-case letters, digits and -.")),
        ],
        description=_l("Lower-case letters, digits and -; the pages are at /c/<name>/"),
    )
    kind = SelectField(
        _l("Type"), choices=[SelectChoice(k, label) for k, label in KIND_LABELS.items()]
    )
    households = IntegerField(
        _l("Households"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
        render_kw={"inputmode": "numeric"},
    )
    timezone = TimezoneField(
        _l("Time zone"), default=DEFAULT_TIMEZONE, validators=[DataRequired(), _valid_timezone]
    )
    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES)
    street = StringField(_l("Street and number"), validators=[Length(max=120)])
    city = StringField(_l("City or county"), validators=[Length(max=60)])
    admin_email = EmailField(
        _l("First admin's e-mail"), validators=[DataRequired(), valid_email(), Length(max=254)]
    )


class CommunityProfileForm(BaseForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    households = IntegerField(
        _l("Households"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
        render_kw={"inputmode": "numeric"},
    )
    timezone = TimezoneField(_l("Time zone"), validators=[DataRequired(), _valid_timezone])
    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES)
    street = StringField(_l("Street and number"), validators=[Length(max=120)])
    city = StringField(_l("City or county"), validators=[Length(max=60)])
    open_registration = BooleanField(_l("Residents may ask to join by themselves"))
    join_approval = BooleanField(
        _l("Staff approve each request to join"),
        description=_l("Off: whoever asks becomes a member at once."),
    )


class JoinForm(BaseForm):
    building = StringField(
        _l("Building"),
        validators=[DataRequired(), Length(max=60)],
        render_kw={"autocomplete": "off"},
    )
    room = StringField(
        _l("Room"), validators=[DataRequired(), Length(max=30)], render_kw={"autocomplete": "off"}
    )
    note = TextAreaField(
        _l("Note for the staff (optional)"),
        validators=[Optional(), Length(max=500)],
        render_kw={"rows": 3},
    )


class DeclineForm(BaseForm):
    reason = TextAreaField(
        _l("Reason (the applicant reads it)"),
        validators=[DataRequired(_l("Give the reason: the applicant reads it.")), Length(max=300)],
        render_kw={"rows": 2},
    )


class InviteForm(BaseForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in reversed(CORE_ROLES)],
    )


class RolesForm(BaseForm):
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role, ROLE_LABELS[role]) for role in reversed(CORE_ROLES)],
    )
    extra_roles = SelectMultipleField(
        _l("Module roles"),
        choices=[],
        validate_choice=True,
        invalid_choice_message=_l("“%(value)s” is not in the list."),
    )


OFFICE_KIND_LABELS = {"street": _l("Street office"), "district": _l("District")}


class OfficeForm(BaseForm):
    """A street office or a district (the operator console)."""

    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Web address name"),
        validators=[
            DataRequired(),
            Length(min=2, max=64),
            Regexp(f"^{SLUG_PATTERN}$", message=_l("Use lower-case letters, digits and -.")),
        ],
        description=_l("Lower-case letters, digits and -; the pages are at /o/<name>/"),
    )
    kind = SelectField(
        _l("Type"), choices=[SelectChoice(k, label) for k, label in OFFICE_KIND_LABELS.items()]
    )
    parent = SelectField(_l("District (for a street)"), choices=[], validate_choice=False)


class OfficeCommunityForm(BaseForm):
    """Put a community under a street office, by its web address name."""

    community = StringField(
        _l("Community's web address name"), validators=[DataRequired(), Length(max=64)]
    )


class OfficeAccountForm(BaseForm):
    """Give a person (an existing account) the office's read-only view."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])


class OfficeAnswerForm(BaseForm):
    """A street office's answer to a matter a community sent up."""

    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=2000)])


class OfficeTemplateForm(BaseForm):
    """The next version of an office's template: its text and the day it is in force."""

    text = TextAreaField(
        _l("Template"), validators=[DataRequired(), Length(max=20000)], render_kw={"rows": 16}
    )
    effective_from = DateField(_l("In force from"), validators=[DataRequired()])
