"""Forms. Each answers bad input with a message beside the field and keeps what was
typed; amounts are typed in yuan (two decimals at most) and stored in fen."""

from __future__ import annotations

import re

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.plugin_api import BaseForm, MemberField, optional_id, parse_month
from plugins.salaries.i18n import _, _l
from plugins.salaries.labels import CERTIFICATE_LABELS, ITEM_KIND_LABELS, POST_LABELS
from plugins.salaries.models import AREAS, LEVELS, POSTS
from plugins.salaries.money import parse_yuan


class MonthField(StringField):
    """A month typed as 2026-11 (``data`` is the month's first day after validation)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.month = parse_month(self.data)

    def pre_validate(self, form):
        if self.data and parse_month(self.data) is None:
            raise ValidationError(_("Write the month like 2026-11."))


class YuanField(StringField):
    """An amount in yuan (``fen`` after validation)."""

    def pre_validate(self, form):
        if self.data and parse_yuan(self.data) is None:
            raise ValidationError(_("Write an amount in yuan, like 2900 or 2900.50."))

    @property
    def fen(self) -> int:
        return parse_yuan(self.data or "0") or 0


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(k, v) for k, v in labels.items()]


class ScaleForm(BaseForm):
    """The community's own scale from a date: per post and area one amount (every level)
    or ten (levels 1 to 10), in yuan."""

    effective_from = DateField(_l("In force from"), validators=[DataRequired(_l("Choose a date."))])
    name = StringField(_l("Scale name"), validators=[DataRequired(_l("Give the scale a name.")),
                                               Length(max=80)])  # fmt: skip

    def rates(self) -> dict:
        return {post: {area: self.parsed[(post, area)] for area in AREAS} for post in POSTS}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        self.parsed = {}
        for post in POSTS:
            for area in AREAS:
                field = getattr(self, f"rate_{post}_{area}")
                parts = [p for p in re.split(r"[,，\s]+", field.data or "") if p]
                amounts = [parse_yuan(p) for p in parts]
                if len(parts) not in (1, len(LEVELS)) or None in amounts:
                    field.errors = [
                        *field.errors,
                        _("One amount for every level, or ten amounts (levels 1 to 10), in yuan."),
                    ]
                    ok = False
                    continue
                self.parsed[(post, area)] = amounts * len(LEVELS) if len(parts) == 1 else amounts
        return ok


for _post in POSTS:
    for _area in AREAS:
        setattr(ScaleForm, f"rate_{_post}_{_area}", StringField(
            f"{_post}/{_area}", validators=[DataRequired(_l("Give the amounts."))],
        ))  # fmt: skip


class AdoptForm(BaseForm):
    """Adopt a scale from a date: the operator's county scale (followed) or one of the
    community's street or district office (copied, its version pinned)."""

    template_key = SelectField(_l("Shared scale"), validate_choice=False)
    effective_from = DateField(
        _l("Follow it from"), validators=[DataRequired(_l("Choose a date."))]
    )

    def validate_template_key(self, field) -> None:
        if field.data not in [c.value for c in field.choices]:
            raise ValidationError(_("Choose one of the shared scales offered."))


class WorkerForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the worker's name.")),
                                               Length(max=80)])  # fmt: skip
    member = MemberField(_l("Their account (to read payslips)"), validators=[Optional()])
    start_date = DateField(_l("Started work on"),
                           validators=[DataRequired(_l("Choose the start date."))])  # fmt: skip
    certificate = SelectField(_l("Social-worker certificate"),
                              choices=_choices(CERTIFICATE_LABELS))  # fmt: skip
    post = SelectField(_l("Post"), choices=_choices(POST_LABELS))
    level = IntegerField(
        _l("Level (1-10)"),
        default=1,
        validators=[
            InputRequired(_l("Give the level.")),
            NumberRange(1, 10, _l("Levels go from 1 to 10.")),
        ],
    )


class WorkerEditForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the worker's name.")),
                                               Length(max=80)])  # fmt: skip
    start_date = DateField(_l("Started work on"),
                           validators=[DataRequired(_l("Choose the start date."))])  # fmt: skip
    certificate = SelectField(_l("Social-worker certificate"),
                              choices=_choices(CERTIFICATE_LABELS))  # fmt: skip
    active = BooleanField(_l("Paid (still working here)"))


class AssignmentForm(BaseForm):
    """A promotion or level change from a date."""

    effective_from = DateField(_l("From"), validators=[DataRequired(_l("Choose a date."))])
    post = SelectField(_l("Post"), choices=_choices(POST_LABELS))
    level = IntegerField(
        _l("Level (1-10)"),
        validators=[
            InputRequired(_l("Give the level.")),
            NumberRange(1, 10, _l("Levels go from 1 to 10.")),
        ],
    )


class AppraisalForm(BaseForm):
    month = MonthField(_l("Month (e.g. 2026-11)"), validators=[DataRequired(_l("Give the month."))])
    score = IntegerField(
        _l("Score (0-100)"),
        validators=[
            InputRequired(_l("Give the score.")),
            NumberRange(0, 100, _l("Scores go from 0 to 100.")),
        ],
    )


class ItemForm(BaseForm):
    name = StringField(_l("Item name"), validators=[DataRequired(_l("Name the item.")),
                                               Length(max=60)])  # fmt: skip
    kind = SelectField(_l("Kind"), choices=_choices(ITEM_KIND_LABELS))
    amount = YuanField(
        _l("Amount a month (yuan)"), validators=[DataRequired(_l("Give the amount."))]
    )
    everyone = BooleanField(_l("For every worker"))


class WorkerItemForm(BaseForm):
    item_id = SelectField(_l("Item"), coerce=optional_id, validate_choice=False)
    amount = YuanField(
        _l("Amount a month (yuan)"), validators=[DataRequired(_l("Give the amount."))]
    )

    def validate_item_id(self, field) -> None:
        if field.data is None or field.data not in [c.value for c in field.choices]:
            raise ValidationError(_("Choose one of the items offered."))


class RunForm(BaseForm):
    month = MonthField(_l("Month (e.g. 2026-11)"), validators=[DataRequired(_l("Give the month."))])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])


class AdjustForm(BaseForm):
    note = StringField(
        _l("What is corrected"),
        validators=[DataRequired(_l("Say what the adjusting run corrects.")), Length(max=200)],
    )
