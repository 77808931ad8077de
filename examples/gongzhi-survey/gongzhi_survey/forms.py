from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from core.plugin_api import BaseForm
from gongzhi_survey.i18n import _l


class PollForm(BaseForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Background"), validators=[Length(max=5_000)], render_kw={"rows": 4}
    )
    options = TextAreaField(
        _l("Options, one per line"),
        validators=[DataRequired()],
        render_kw={"rows": 4, "placeholder": "赞成\n反对"},
    )
    public = BooleanField(_l("Public: show the result on the public page"), default=True)

    def option_labels(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]

    def validate_options(self, field) -> None:
        labels = self.option_labels()
        if not 2 <= len(labels) <= 10:
            raise ValidationError(_l("Give between 2 and 10 options."))
        if len(set(labels)) != len(labels):
            raise ValidationError(_l("Each option must be different."))
        if any(len(label) > 120 for label in labels):
            raise ValidationError(_l("Options are at most 120 characters."))
