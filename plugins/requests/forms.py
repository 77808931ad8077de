"""Forms. Each answers bad input with a message beside the field and keeps what was typed;
``BaseForm`` cleans text and reads numbers and dates with the platform's parsers."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from core.plugin_api import BaseForm, IdempotencyKeyField, MemberField, optional_id
from plugins.requests import photos as photo_store
from plugins.requests.i18n import _l
from plugins.requests.labels import CHANNEL_LABELS, CONTACT_LABELS, KIND_LABELS
from plugins.requests.models import KINDS
from plugins.requests.photos import MAX_PHOTOS

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,19}$")


class ReportForm(BaseForm):
    """A resident's report: the few fields that fit a phone screen in under a minute."""

    idempotency_key = IdempotencyKeyField()  # a repeated submit finds the first report

    title = StringField(
        _l("What is the matter?"),
        validators=[DataRequired(_l("Say in a few words what is wrong.")), Length(max=120)],
        render_kw={"placeholder": _l("e.g. Restaurant fumes at the back of building 3")},
    )
    building = StringField(
        _l("Where? (building, unit or place)"),
        validators=[DataRequired(_l("Say where it is.")), Length(max=60)],
        render_kw={"placeholder": _l("e.g. Building 3, unit 2")},
    )
    grid = StringField(_l("Grid (optional)"), validators=[Optional(), Length(max=60)])
    details = TextAreaField(
        _l("Details (optional)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )
    category_id = SelectField(
        _l("Category (optional)"),
        coerce=optional_id,
        validate_choice=False,
        render_kw={"data-user": ""},  # the community's own category names
    )
    photos = MultipleFileField(
        _l("Photos (optional, up to 3)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )
    contact_preference = SelectField(
        _l("How should we get back to you?"),
        choices=[SelectChoice(k, label) for k, label in CONTACT_LABELS.items()],
        default="message",
    )
    contact_phone = StringField(
        _l("Phone (needed if we should call you)"),
        # No Optional(): it would stop the chain before validate_contact_phone, which
        # requires a number when "Call me" is chosen.
        validators=[Length(max=40)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    anonymous = BooleanField(_l("Keep my grid off the public board"), default=True)

    max_photo_bytes = 20 * 1024 * 1024

    def __init__(
        self, *args, categories=(), max_photo_mb: int = 20, kept=(), user_id=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [("", _l("I don't know"))] + [(c.id, c.name) for c in categories]
        self._category_ids = {c.id for c in categories}
        self.max_photo_bytes = max_photo_mb * 1024 * 1024
        self._user_id = user_id
        # Photos kept from an earlier try of this form (tokens of this person's pending
        # photos); unknown or foreign tokens are dropped without a word.
        found = (photo_store.kept(t, user_id) for t in dict.fromkeys(kept)) if user_id else ()
        self.photo_files: list[photo_store.Photo] = [p for p in found if p is not None]

    def validate_category_id(self, field):
        if field.data is not None and field.data not in self._category_ids:
            raise ValidationError(_l("Choose a category from the list."))

    def validate_contact_phone(self, field):
        phone = (field.data or "").strip()
        if self.contact_preference.data == "phone" and not phone:
            raise ValidationError(_l("Give a phone number, or choose another way to reply."))
        if phone and not PHONE.match(phone):
            raise ValidationError(_l("This does not look like a phone number."))

    def validate_photos(self, field):
        """Each good photo is kept even when another one (or another field) fails, so a
        second try never asks for the same photo twice."""
        files = [f for f in (field.data or []) if getattr(f, "filename", "")]
        errors = []
        for upload in files:
            if len(self.photo_files) >= MAX_PHOTOS:
                errors.append(_l("At most %(n)d photos.", n=MAX_PHOTOS))
                break
            data = upload.read(self.max_photo_bytes + 1)
            if len(data) > self.max_photo_bytes:
                errors.append(
                    _l(
                        "%(name)s is larger than %(mb)d MB.",
                        name=upload.filename,
                        mb=self.max_photo_bytes // (1024 * 1024),
                    )
                )
                continue
            try:
                self.photo_files.append(photo_store.process(data, upload.filename))
            except photo_store.PhotoError as exc:
                errors.append(exc.args[0])
        if errors:
            raise ValidationError(" ".join(str(e) for e in errors))


class DeskReportForm(ReportForm):
    """Staff enter a request taken at the desk or by phone, for a resident."""

    requester_email = StringField(
        _l("Resident's e-mail (if they have an account)"),
        validators=[Optional(), Email(_l("Enter a valid e-mail address.")), Length(max=254)],
    )
    requester_name = StringField(_l("Resident's name"), validators=[Optional(), Length(max=80)])
    channel = SelectField(
        _l("Taken"),
        choices=[SelectChoice(k, v) for k, v in CHANNEL_LABELS.items() if k != "online"],
    )

    def validate_requester_name(self, field):
        if not field.data and not self.requester_email.data:
            raise ValidationError(_l("Give the resident's name or e-mail."))


class ClassifyForm(BaseForm):
    category_id = SelectField(
        _l("Category"), coerce=optional_id, validate_choice=False, render_kw={"data-user": ""}
    )
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice("", _l("Choose…"))]
        + [SelectChoice(k, KIND_LABELS[k]) for k in KINDS],
        validators=[DataRequired(_l("Choose red, orange or yellow."))],
    )
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=300)])

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category_id.choices = [("", _l("No category"))] + [
            (c.id, f"{c.name} · {KIND_LABELS[c.kind]}") for c in categories
        ]
        self._category_ids = {c.id for c in categories}

    def validate_category_id(self, field):
        if field.data is not None and field.data not in self._category_ids:
            raise ValidationError(_l("Choose a category from the list."))

    def validate_kind(self, field):
        if field.data not in KINDS:
            raise ValidationError(_l("Choose red, orange or yellow."))


class ReferForm(BaseForm):
    """大事: 承办单位、承办科室、承办人员 and a deadline."""

    department = StringField(
        _l("Department"),
        validators=[DataRequired(_l("Name the department.")), Length(max=120)],
    )
    office = StringField(_l("Office"), validators=[Optional(), Length(max=120)])
    handler = StringField(
        _l("Handler"),
        validators=[DataRequired(_l("Name the person handling it.")), Length(max=80)],
    )
    deadline = DateField(
        _l("Deadline"),
        validators=[DataRequired(_l("Give a deadline as a date."))],
    )

    def validate_deadline(self, field):
        if field.data and field.data < self.today:
            raise ValidationError(_l("The deadline cannot be in the past."))

    today: date = date.min


class AssignForm(BaseForm):
    """小事: to a committee (offered by plugins such as committees) or to a member, picked
    by name or e-mail: a community of 3,000 households is no list to scroll."""

    assignee = SelectField(
        _l("Assign to a committee"),
        validators=[Optional()],
        render_kw={"data-user": ""},  # the committees' own names
    )
    member = MemberField(_l("Or to a member"), validators=[Optional()])
    deadline = DateField(_l("Deadline (optional)"), validators=[Optional()])

    def offer(self, committees: list[tuple[str, str]]) -> None:
        """The committees other plugins offer; without any, only the member picker."""
        if committees:
            self.assignee.choices = [("", "—"), *committees]
        else:
            del self.assignee
            self.member.label.text = _l("Assign to a member")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        committee = self.assignee.data if "assignee" in self else None
        if not committee and self.member.data is None:
            self.member.errors.append(_l("Choose who takes it."))
            return False
        if committee and self.member.data is not None:
            self.member.errors.append(_l("Choose a committee or a member, not both."))
            return False
        return True

    def validate_deadline(self, field):
        if field.data and field.data < self.today:
            raise ValidationError(_l("The deadline cannot be in the past."))

    today: date = date.min


class DeliberationForm(BaseForm):
    """一事一议: what the residents' meeting agreed (e.g. by the 六步七规 method)."""

    held_on = DateField(
        _l("Meeting date"), validators=[DataRequired(_l("Give the date of the meeting."))]
    )
    participants = StringField(
        _l("Who took part"),
        validators=[DataRequired(_l("Say who took part.")), Length(max=300)],
        render_kw={"placeholder": _l("e.g. 12 residents, building leader, committee")},
    )
    decision = TextAreaField(
        _l("What was agreed"),
        validators=[DataRequired(_l("Write down what was agreed.")), Length(max=4000)],
        render_kw={"rows": 3},
    )


class ServiceReferralForm(BaseForm):
    """私事: point the resident to a service or to volunteers."""

    target = SelectField(
        _l("Refer to"),
        validators=[DataRequired(_l("Choose a service or a volunteer team."))],
        render_kw={"data-user": ""},  # the service directory's names
    )
    message = TextAreaField(
        _l("Message to the resident"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class ReplyForm(BaseForm):
    reply = TextAreaField(
        _l("Reply to the resident"),
        validators=[DataRequired(_l("Write the reply.")), Length(max=4000)],
        render_kw={"rows": 3},
    )
    outcome = StringField(
        _l("Outcome for the public board (no names, phones or addresses)"),
        validators=[DataRequired(_l("Sum up the outcome for the public board.")), Length(max=300)],
    )


class CheckForm(BaseForm):
    """The requester's check (首诉人验收)."""

    note = TextAreaField(
        _l("Your comment"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class RejectForm(BaseForm):
    reason = TextAreaField(
        _l("What is still wrong?"),
        validators=[DataRequired(_l("Say what is still wrong.")), Length(max=2000)],
        render_kw={"rows": 2},
    )


class UnreachableForm(BaseForm):
    reason = TextAreaField(
        _l("Why can the requester not check it?"),
        validators=[
            DataRequired(_l("A reason is required to close without the requester.")),
            Length(min=4, max=300, message=_l("Give a reason of 4 to 300 characters.")),
        ],
        render_kw={"rows": 2},
    )


class CategoryForm(BaseForm):
    name = StringField(
        _l("Category"), validators=[DataRequired(_l("Name the category.")), Length(max=60)]
    )
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k, KIND_LABELS[k]) for k in KINDS])
    owner = StringField(_l("Default owner"), validators=[Optional(), Length(max=120)])
    keywords = StringField(
        _l("Keywords (comma-separated)"), validators=[Optional(), Length(max=200)]
    )
    position = IntegerField(
        _l("Position"),
        default=100,
        validators=[Optional(), NumberRange(min=0, max=10000)],
        render_kw={"inputmode": "numeric"},
    )
    active = BooleanField(_l("In use"), default=True)


class ServiceForm(BaseForm):
    field = StringField(
        _l("Field (housekeeping, repairs, meals …)"),
        validators=[DataRequired(_l("Name the field.")), Length(max=30)],
    )
    name = StringField(
        _l("Service name"), validators=[DataRequired(_l("Name the service.")), Length(max=80)]
    )
    phone = StringField(
        _l("Phone"), validators=[Optional(), Length(max=40)], render_kw={"inputmode": "tel"}
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    position = IntegerField(
        _l("Position"),
        default=100,
        validators=[Optional(), NumberRange(min=0, max=10000)],
        render_kw={"inputmode": "numeric"},
    )

    def validate_phone(self, field):
        if field.data and not PHONE.match(field.data.strip()):
            raise ValidationError(_l("This does not look like a phone number."))
