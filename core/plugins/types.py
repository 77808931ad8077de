"""Value types plugins return from hooks. Re-exported by ``core.plugin_api``.

All are frozen dataclasses: build them with keyword or positional arguments, never change
them afterwards. ``Labels`` are ``{"zh_Hans": "…", "en": "…"}`` dictionaries (both
languages required; the contract check says which is missing). They are part of the
plugin API: a minor version may add fields with defaults, never remove or reorder them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

Labels = dict[str, str]  # {"zh_Hans": "…", "en": "…"}


@dataclass(frozen=True)
class PluginMeta:
    """What a plugin declares about itself: the module attribute ``meta``.

    ``id`` must equal the entry-point name (2-32 lowercase letters and digits); it
    prefixes the plugin's tables, permissions, URLs and templates. ``version`` is the
    plugin's own PEP 440 version; ``label``/``description`` are shown in menus and on the
    settings page. ``api`` is the plugin API range it works with: outside it the plugin is
    *incompatible* and not loaded. ``requires`` lists plugins a community must switch on
    first. ``order`` places it in menus, the dashboard and the settings page (lower
    first). ``always_on`` switches it on for every community, for good. ``translations``
    names its catalogue folder when it is not ``translations/`` beside the module.
    ``needs_paid_plan``: where the platform bills communities (docs/billing.md), the module
    can only be switched on by a community on a paid plan; without billing it changes
    nothing.
    """

    id: str
    version: str
    label: Labels
    description: Labels
    api: str = ">=1.0,<2"  # the plugin API range this plugin works with (PEP 440 specifier)
    requires: tuple[str, ...] = ()  # other plugin ids that must be enabled first
    order: int = 100  # position in menus and on the settings page
    always_on: bool = False  # enabled for every community, cannot be switched off
    translations: str | None = None  # folder with the plugin's Babel catalogues
    needs_paid_plan: bool = False  # only on a paid plan, where the platform bills


@dataclass(frozen=True)
class Permission:
    """A permission the plugin checks (``permissions`` hook).

    ``name`` is ``<plugin_id>.<action>``; ``label`` is what admins read on the member
    page; ``default_roles`` are the roles holding it in every community: core roles
    (``"member"``, ``"staff"``) or plugin roles (``"survey.counter"``). ``admin`` holds
    every permission whatever this says. Undeclared names used anywhere fail the load.
    """

    name: str  # "<plugin_id>.<action>"
    label: Labels
    default_roles: tuple[str, ...] = ("member", "staff")


@dataclass(frozen=True)
class NotificationKind:
    """A kind of notification a plugin sends with ``notify``; each person chooses per kind
    whether it also comes by e-mail.

    ``name`` is ``<plugin_id>.<kind>`` (what ``notify`` names); ``label`` is what people
    read on their notification settings; ``email`` is whether it is e-mailed by default
    (when a mail server is configured) until the person turns it off."""

    name: str  # "<plugin_id>.<kind>"
    label: Labels  # shown on the person's notification settings
    email: bool = True  # e-mailed (when a mail server is configured) unless turned off


@dataclass(frozen=True)
class Role:
    """An extra role beside admin/staff/member (``roles`` hook).

    ``name`` is ``<plugin_id>.<role>``; ``label`` is what admins read where they assign it
    (a member's page, in communities that have the plugin on). It grants the permissions
    that name it in their ``default_roles``."""

    name: str  # "<plugin_id>.<role>"
    label: Labels


SETTING_KINDS = ("str", "text", "int", "bool", "choice", "secret", "time")


@dataclass(frozen=True)
class SettingField:
    """One per-community setting (``settings_schema`` hook); the platform renders,
    validates and stores it, and ``plugin_settings(id)[key]`` reads it (``default`` until a
    community saves another value).

    ``kind``: ``str`` (one line, at most ``max_length``), ``text`` (several lines),
    ``int`` (between ``minimum`` and ``maximum`` when given), ``bool`` (a checkbox),
    ``choice`` (one of ``choices``: ``(value, labels)`` pairs), ``secret`` (stored
    encrypted, never shown again; an empty field keeps it), ``time`` (a ``datetime.time``).
    ``help`` is shown under the field. An unknown kind raises ``ValueError``.
    """

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
    """A link in the community menu (``nav_items``) or on the public page
    (``public_pages``).

    ``endpoint`` is a view of the plugin's blueprint (``"survey.index"``); the community
    slug is filled in, ``url_values`` give its other arguments. ``order`` sorts the menu
    (lower first; ties by plugin id). In the menu, ``permission=None`` means
    ``<plugin_id>.access``: the link shows only to holders of ``permission``, or of the
    plugin's access permission when it is None. Public pages are shown to everyone
    (their views must be ``@public``). ``icon`` is reserved: not shown yet.
    """

    endpoint: str  # e.g. "notices.index"; the community slug is filled in for you
    label: Labels
    order: int = 100
    permission: str | None = None
    icon: str = ""
    url_values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Widget:
    """A box on the community dashboard (``dashboard_widgets``).

    ``id`` is unique within the plugin; ``title`` heads the box; ``render()`` is called
    when the dashboard is shown and returns its HTML (``Markup``, or the ``str`` of
    ``render_template``, trusted as HTML). A ``render`` that raises shows "Module
    unavailable" in this box only. ``order`` sorts the boxes (lower first; ties by plugin
    id). ``permission``: only its holders see the box; ``None`` means
    ``<plugin_id>.access`` (the gateway's rule for every displayed item), so a member
    without access to the plugin never sees its widgets.
    """

    id: str
    title: Labels
    render: Callable[[], str]
    order: int = 100
    permission: str | None = None


@dataclass(frozen=True)
class SearchResult:
    """One hit on the community search page (``search``): ``title`` linking to ``url``,
    an optional ``snippet`` (plain text, escaped) and ``kind``, a label shown beside it
    (usually ``meta.label``). Results are shown only to holders of ``<plugin_id>.access``;
    return only what the searching user may open."""

    title: str
    url: str
    snippet: str = ""
    kind: Labels | None = None


@dataclass(frozen=True)
class ExportTable:
    """One table of the admin's full export (``export_data``): written as
    ``<plugin_id>/<name>.csv`` (``name`` without the extension; UTF-8 with BOM), with
    ``columns`` as the header and one line per item of ``rows``. Cells are written as text:
    give ids, texts, numbers and ISO times."""

    name: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


FIGURE_UNITS = ("count", "minutes", "fen", "permille")


@dataclass(frozen=True)
class FigureKind:
    """A figure a plugin gives for a community and a month (``figure_kinds``), which
    street and district offices compare across their communities.

    ``key`` is ``<plugin_id>.<name>``; the plugin's ``community_figures`` answers with
    ``{key: int}``. ``unit``: ``count``, ``minutes`` (shown as hours), ``fen`` (money) or
    ``permille`` (a share, 875 = 87.5 %). Counts, minutes and fen add up over
    communities; a share does not (its total is left empty). ``public``: also shown on the
    street's public page (never a figure about a person). ``order`` sorts the columns."""

    key: str
    label: Labels
    unit: str = "count"
    public: bool = False
    order: int = 100

    def __post_init__(self) -> None:
        if self.unit not in FIGURE_UNITS:
            raise ValueError(f"figure {self.key!r}: unknown unit {self.unit!r}")


class BadTemplate(ValueError):
    """A template's text that cannot be used: the message, in the reader's language,
    says which line and why (a ``TemplateKind.parse`` raises it)."""


@dataclass(frozen=True)
class TemplateKind:
    """A kind of template a street or district office publishes for its communities to
    adopt and adapt (``template_kinds``): a responsibility list, a pay scale, a set of
    committees.

    ``key`` is ``<plugin_id>.<kind>``; versions are stored as the plugin's shared
    templates of that kind (``shared_templates(plugin_id, kind)`` lists those a community
    may adopt). The office writes the template as text, one line per entry: ``parse``
    turns the text into the payload (a JSON-able dict) or raises ``BadTemplate``;
    ``text`` turns a payload back into text, to start the next version from the last.
    ``help`` explains the line format and ``example`` is shown as a placeholder."""

    key: str
    label: Labels
    help: Labels
    parse: Callable[[str], dict]
    text: Callable[[dict], str]
    example: str = ""
    order: int = 100
