"""The member picker: a form field whose value is a member of the community in scope.

It is a text input. Without JavaScript the person types a name or an e-mail address and
submits; a text that names exactly one member is accepted, several or none answer with
a message, the typed text kept and (for several) the matches offered in the input's
``<datalist>``. With htmx, typing fills that datalist from the community's member search
(``/c/<slug>/members/search``), at most ``SEARCH_LIMIT`` names whatever its size.
"""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field
from wtforms.validators import StopValidation
from wtforms.widgets import html_params

from core.community.members import (
    MemberInfo,
    get_member,
    member_label,
    resolve_member,
)
from core.community.permissions import has_permission


def shows_full_email() -> bool:
    """Whole e-mail addresses only for people who manage members (and so see them on the
    members page anyway); everyone else sees them shortened."""
    return has_permission("core.members")


def option_tags(members: list[MemberInfo]) -> Markup:
    full = shows_full_email()
    return Markup("").join(
        Markup('<option value="{}"></option>').format(member_label(m, full)) for m in members
    )


class MemberPickerWidget:
    """``<input list=…>`` plus its ``<datalist>``, refreshed by htmx while typing."""

    def __call__(self, field: MemberField, **kwargs) -> Markup:
        options_id = f"{field.id}-options"
        kwargs.setdefault("id", field.id)
        attrs = {
            "type": "text",
            "name": field.name,
            "value": field._value(),
            "list": options_id,
            "autocomplete": "off",
            "placeholder": field.placeholder,
            "hx-get": url_for("community.member_search", field=field.name),
            "hx-trigger": "input changed delay:300ms",
            "hx-target": f"#{options_id}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
            # Inside a form posted with htmx (hx_form), the form's hx-select, hx-confirm
            # and hx-disabled-elt must not apply to the search: "unset" stops inheritance.
            "hx-select": "unset",
            "hx-confirm": "unset",
            "hx-disabled-elt": "unset",
            **kwargs,
        }
        return Markup('<input {}><datalist id="{}">{}</datalist>').format(
            Markup(html_params(**attrs)), options_id, option_tags(field.candidates)
        )


class MemberField(Field):
    """A member of the community in scope, picked by name or e-mail address.

    ``form.field.data`` is the member's user id (an ``int``) or ``None`` when nothing was
    typed; give ``DataRequired(message)`` or ``Optional()`` as for any field. Another
    community's people are never found and never accepted."""

    widget = MemberPickerWidget()

    def __init__(self, label=None, validators=None, placeholder=None, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.placeholder = placeholder or _l("Type a name or an e-mail address")
        self.text: str | None = None  # what was typed, kept for the page that answers
        self.candidates: list[MemberInfo] = []

    def process_data(self, value) -> None:
        self.data = value if isinstance(value, int) else None

    def process_formdata(self, valuelist: list[str]) -> None:
        self.text = (valuelist[0] if valuelist else "").strip()[:200]
        self.data = None

    def _value(self) -> str:
        if self.text is not None:
            return self.text
        member = get_member(self.data) if self.data is not None else None
        return member_label(member, shows_full_email()) if member else ""

    def pre_validate(self, form) -> None:
        if self.text is None:  # no form data: the value was given in code
            if self.data is not None and get_member(self.data) is None:
                self.data = None
                raise StopValidation(_("Choose a member of this community."))
            return
        if not self.text:
            return
        found = resolve_member(self.text)
        if len(found) == 1:
            self.data = found[0].user_id
            return
        if not found:
            raise StopValidation(_("Nobody in this community matches “%(text)s”.", text=self.text))
        self.candidates = found
        raise StopValidation(
            _(
                "Several members match “%(text)s”: choose one from the list, or type more "
                "of the name or the whole e-mail address.",
                text=self.text,
            )
        )
