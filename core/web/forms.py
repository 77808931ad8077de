"""Core forms. Labels are lazy so they follow the request's language."""

from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)

from core.services.i18n import LANGUAGES
from core.services.time import DEFAULT_TIMEZONE
from tenants.models import COMMUNITY_KINDS, CORE_ROLES, SLUG_PATTERN

PASSWORD_MIN = 8
# The one place core roles and community kinds get their words.
ROLE_LABELS = dict(zip(CORE_ROLES, (_l("Admin"), _l("Staff"), _l("Member")), strict=True))
KIND_LABELS = dict(zip(COMMUNITY_KINDS, (_l("Urban"), _l("Rural town")), strict=True))
# Each language's name in that language, marked so (lang) for readers and screen readers.
LANGUAGE_CHOICES = [
    (code, name, {"lang": "en" if code == "en" else "zh-Hans"}) for code, name in LANGUAGES.items()
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
        self.choices = list(TIMEZONE_LABELS.items())
        if self.data and self.data not in TIMEZONE_LABELS:
            self.choices.append((self.data, self.data))
        return super().iter_choices()


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in"))


class SignupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=128)]
    )
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])


class ResetForm(FlaskForm):
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


class CommunityForm(FlaskForm):
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
    kind = SelectField(_l("Type"), choices=list(KIND_LABELS.items()))
    households = IntegerField(
        _l("Households"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
        render_kw={"inputmode": "numeric"},
    )
    timezone = TimezoneField(
        _l("Time zone"), default=DEFAULT_TIMEZONE, validators=[DataRequired(), _valid_timezone]
    )
    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES)
    admin_email = EmailField(
        _l("First admin's e-mail"), validators=[DataRequired(), valid_email(), Length(max=254)]
    )


class CommunityProfileForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[DataRequired(), Length(max=120)])
    households = IntegerField(
        _l("Households"),
        validators=[InputRequired(), NumberRange(min=0, max=1_000_000)],
        render_kw={"inputmode": "numeric"},
    )
    timezone = TimezoneField(_l("Time zone"), validators=[DataRequired(), _valid_timezone])
    default_locale = SelectField(_l("Default language"), choices=LANGUAGE_CHOICES)
    open_registration = BooleanField(_l("Residents may join by themselves"))


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), valid_email(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[(role, ROLE_LABELS[role]) for role in reversed(CORE_ROLES)],
    )


class RolesForm(FlaskForm):
    role = SelectField(
        _l("Role"),
        choices=[(role, ROLE_LABELS[role]) for role in reversed(CORE_ROLES)],
    )
    extra_roles = SelectMultipleField(
        _l("Module roles"),
        choices=[],
        validate_choice=True,
        invalid_choice_message=_l("“%(value)s” is not in the list."),
    )
