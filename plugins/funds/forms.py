"""The funds plugin's forms (all from ``BaseForm``: clean text, ASCII dates)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from core.plugin_api import BaseForm, IdempotencyKeyField, optional_id
from plugins.funds.i18n import _l
from plugins.funds.labels import APPLICANT_KIND_LABELS, METHOD_LABELS
from plugins.funds.money import parse_yuan, yuan_text


class YuanField(StringField):
    """An amount in yuan, typed as text; ``data_fen`` holds the fen once valid."""

    data_fen: int | None = None

    def pre_validate(self, form) -> None:
        self.data_fen = parse_yuan(self.data)
        if self.data_fen is None:
            raise ValidationError(
                _l("Type an amount in yuan above zero, at most two decimals, e.g. 200 or 35.50.")
            )

    def process_data(self, value) -> None:
        self.data = yuan_text(value) if isinstance(value, int) else value


def _required():
    return DataRequired(message=_l("Fill this in."))


class FundForm(BaseForm):
    name = StringField(_l("Name"), validators=[_required(), Length(max=80)])
    purpose = TextAreaField(_l("Purpose"), validators=[Optional(), Length(max=2000)])
    managers = SelectMultipleField(_l("Managers"), coerce=int, validators=[Optional()])
    approvers = SelectMultipleField(_l("Approvers"), coerce=int, validators=[Optional()])
    allow_overdraft = BooleanField(_l("May be overdrawn"))
    reward_pool = BooleanField(_l("Committee rewards are paid from this fund"))
    active = BooleanField(_l("Active"), default=True)


class DonationForm(BaseForm):
    idempotency_key = IdempotencyKeyField()
    fund_id = SelectField(
        _l("Fund"), coerce=optional_id, validators=[InputRequired(_l("Choose a fund."))]
    )
    amount = YuanField(_l("Amount (yuan)"))
    method = SelectField(
        _l("Paid by"), choices=[SelectChoice(k, v) for k, v in METHOD_LABELS.items() if k != "card"]
    )
    receipt_no = StringField(_l("Receipt number"), validators=[_required(), Length(max=40)])
    donor_name = StringField(_l("Donor"), validators=[_required(), Length(max=120)])
    anonymous = BooleanField(_l("Anonymous on the public page"))
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Type a date."))])
    purpose = StringField(_l("Purpose or note"), validators=[Optional(), Length(max=200)])


class OnlineDonationForm(BaseForm):
    amount = YuanField(_l("Amount (yuan)"))
    donor_name = StringField(_l("Your name"), validators=[Optional(), Length(max=120)])
    anonymous = BooleanField(_l("Anonymous on the public page"))


class GrantForm(BaseForm):
    idempotency_key = IdempotencyKeyField()
    fund_id = SelectField(
        _l("Fund"), coerce=optional_id, validators=[InputRequired(_l("Choose a fund."))]
    )
    applicant_kind = SelectField(
        _l("Applicant is"), choices=[SelectChoice(k, v) for k, v in APPLICANT_KIND_LABELS.items()]
    )
    applicant_name = StringField(
        _l("Project, organisation or committee"), validators=[_required(), Length(max=120)]
    )
    title = StringField(_l("Title"), validators=[_required(), Length(max=120)])
    purpose = TextAreaField(_l("Purpose and budget"), validators=[_required(), Length(max=4000)])
    amount = YuanField(_l("Amount asked (yuan)"))


class NoteForm(BaseForm):
    note = StringField(_l("Note"), validators=[Optional(), Length(max=300)])


class ReasonForm(BaseForm):
    reason = StringField(_l("Why"), validators=[_required(), Length(max=200)])


class DisburseForm(BaseForm):
    occurred_on = DateField(_l("Paid on"), validators=[InputRequired(_l("Type a date."))])
    invoice = FileField(_l("Invoice or receipt (PDF or image, up to 5 MB)"))


class BudgetForm(BaseForm):
    year = SelectField(_l("Year"), coerce=int)
    income = YuanField(_l("Planned income (yuan)"))
    spending = YuanField(_l("Planned spending (yuan)"))
