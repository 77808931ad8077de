"""Value types plugins return from hooks. Re-exported by ``core.plugin_api``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Labels = dict[str, str]  # {"zh_Hans": "…", "en": "…"}


@dataclass(frozen=True)
class PluginMeta:
    """What a plugin declares about itself (the module attribute ``meta``)."""

    id: str
    version: str
    label: Labels
    description: Labels
    api: str = ">=1.0,<2"  # the plugin API range this plugin works with (PEP 440 specifier)
    requires: tuple[str, ...] = ()  # other plugin ids that must be enabled first
    order: int = 100  # position in menus and on the settings page
    always_on: bool = False  # enabled for every community, cannot be switched off
    translations: str | None = None  # folder with the plugin's Babel catalogues


@dataclass(frozen=True)
class Permission:
    name: str  # "<plugin_id>.<action>"
    label: Labels
    default_roles: tuple[str, ...] = ("member", "staff")


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification a plugin sends with ``notify``; each person chooses per kind
    whether it also comes by e-mail."""

    name: str  # "<plugin_id>.<kind>"
    label: Labels  # shown on the person's notification settings
    email: bool = True  # e-mailed (when a mail server is configured) unless turned off


@dataclass(frozen=True)
class Role:
    name: str  # "<plugin_id>.<role>"
    label: Labels


SETTING_KINDS = ("str", "text", "int", "bool", "choice", "secret", "time")


@dataclass(frozen=True)
class SettingField:
    """One per-community setting; the settings page renders and validates it."""

    key: str
    kind: str  # one of SETTING_KINDS
    default: Any
    label: Labels
    help: Labels | None = None
    choices: Sequence[tuple[str, Labels]] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200

    def __post_init__(self) -> None:
        if self.kind not in SETTING_KINDS:
            raise ValueError(f"setting {self.key!r}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class NavItem:
    endpoint: str  # e.g. "notices.index"; the community slug is filled in for you
    label: Labels
    order: int = 100
    permission: str | None = None
    icon: str = ""
    url_values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Widget:
    id: str
    title: Labels
    render: Callable[[], str]
    order: int = 100
    permission: str | None = None


@dataclass(frozen=True)
class SearchResult:
    title: str
    url: str
    snippet: str = ""
    kind: Labels | None = None


@dataclass(frozen=True)
class ExportTable:
    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
