"""Per-community plugin settings: a form built from the plugin's schema, and storage.

Secrets are stored encrypted (Fernet, key derived from SECRET_KEY) and never rendered
back into a form: an empty secret field means "keep the stored value".
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.plugins.types import SettingField
from core.services.forms import BaseForm
from core.services.i18n import localized
from core.services.parsing import parse_time

SECRET_PREFIX = "enc:"


def _fernet() -> Fernet:
    digest = hashlib.sha256(("settings:" + current_app.config["SECRET_KEY"]).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(value: str) -> str:
    return SECRET_PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    try:
        return _fernet().decrypt(value.removeprefix(SECRET_PREFIX).encode()).decode()
    except InvalidToken:
        return ""


def decode_settings(schema: list[SettingField], stored: dict) -> dict[str, Any]:
    """Stored JSON -> Python values (secrets decrypted, unknown keys dropped)."""
    out: dict[str, Any] = {}
    for field in schema:
        if field.key not in stored:
            continue
        value = stored[field.key]
        if field.kind == "secret":
            value = decrypt(value) if value else ""
        elif field.kind == "time" and isinstance(value, str):
            value = parse_time(value)
            if value is None:  # unreadable (edited by hand): the default applies
                continue
        out[field.key] = value
    return out


def _wtf_field(field: SettingField):
    label = localized(field.label)
    description = localized(field.help) if field.help else ""
    if field.kind == "bool":
        return BooleanField(label, description=description)
    if field.kind == "int":
        return IntegerField(
            label,
            description=description,
            validators=[InputRequired(), NumberRange(field.minimum, field.maximum)],
            render_kw={"inputmode": "numeric"},
        )
    if field.kind == "choice":
        return SelectField(
            label,
            description=description,
            choices=[SelectChoice(value, localized(lbl)) for value, lbl in field.choices],
        )
    if field.kind == "time":
        return TimeField(label, description=description, validators=[DataRequired()])
    if field.kind == "secret":
        return PasswordField(
            label, description=description, validators=[Optional(), Length(max=field.max_length)]
        )
    cls = TextAreaField if field.kind == "text" else StringField
    return cls(label, description=description, validators=[Length(max=field.max_length)])


def settings_form(schema: list[SettingField], stored: dict, formdata=None) -> BaseForm:
    """A form for a plugin's schema, filled from ``stored`` (never with secret values)."""

    class PluginSettingsForm(BaseForm):
        pass

    for field in schema:
        setattr(PluginSettingsForm, field.key, _wtf_field(field))
    current = {f.key: f.default for f in schema}
    current.update(decode_settings(schema, stored))
    data = {k: v for k, v in current.items() if not _is_secret(schema, k)}
    return PluginSettingsForm(formdata=formdata, data=data)


def _is_secret(schema: list[SettingField], key: str) -> bool:
    return any(f.key == key and f.kind == "secret" for f in schema)


def encode_form(schema: list[SettingField], form: BaseForm, stored: dict) -> dict[str, Any]:
    """Validated form -> JSON to store (secrets encrypted; blank secret keeps the old one)."""
    out = dict(stored)
    for field in schema:
        value = getattr(form, field.key).data
        if field.kind == "secret":
            if value:
                out[field.key] = encrypt(value)
            continue
        if field.kind == "time" and value is not None:
            value = value.strftime("%H:%M")
        out[field.key] = value
    return out
