from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from core.plugin_api import BaseForm
from plugins.notices.i18n import _l


class NoticeForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)])
    body = TextAreaField(
        _l("Text"), validators=[DataRequired(), Length(max=10_000)], render_kw={"rows": 8}
    )
    public = BooleanField(_l("Public: also show on the public board"), default=True)
    pinned = BooleanField(_l("Pin to the top"))
