"""The plugin host: loads plugins from entry points and gates every call per community.

One ``PluginHost`` per app (never a module global), so tests build apps with different
plugin sets. Each entry point loads in its own try/except: a plugin that fails to import
or asks for another plugin API version is kept as "failed"/"incompatible" with its
reason, and the app still starts (``PLUGINS_STRICT`` re-raises, for tests and CI).
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version
from pluggy import HookImpl

from core.plugins import hookspecs
from core.plugins.types import (
    FigureKind,
    NotificationKind,
    Permission,
    PluginMeta,
    Role,
    SettingField,
    TemplateKind,
)

log = logging.getLogger("gongzhi.plugins")

# 1.1: ask_plugins, hookspec, community_members/find_member, UTCDateTime, csv/xlsx_response,
# pgettext, community_lock, plugin static files. 1.2: community_scope everywhere, checked
# permission names, deny-wins decisions. 1.3: a translation domain per plugin (translator),
# flask plugins migrate / i18n, read_xlsx, plugin_status; member_column, get_member,
# MemberField, core member events; notify, members_with_permission; idempotent writes;
# BaseForm and the input parsers; writes_on_get; export_response/ExportColumn, form_success
# and show_messages_in, the list and form macros, the ``typed`` filter.
# Plugins declaring ">=1.0,<2" keep working.
PLUGIN_API_VERSION = "1.6.0"
ENTRY_POINT_GROUP = "gongzhi.plugins"
ACTIVE, FAILED, INCOMPATIBLE = "active", "failed", "incompatible"


class PluginLoadError(RuntimeError):
    pass


@dataclass
class LoadedPlugin:
    id: str
    status: str
    module: Any = None
    meta: PluginMeta | None = None
    error: str | None = None
    distribution: str | None = None
    # The plugin's package folder, known even when its import failed: Alembic needs its
    # migrations whatever the plugin's status (docs/operations.md, "Upgrades").
    package_dir: Path | None = None

    @property
    def active(self) -> bool:
        return self.status == ACTIVE

    @property
    def version(self) -> str:
        return self.meta.version if self.meta else "?"

    @property
    def api(self) -> str:
        return self.meta.api if self.meta else "?"


class PluginHost:
    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        self.permissions: dict[str, Permission] = {}
        self.roles: dict[str, Role] = {}
        self.notification_kinds: dict[str, NotificationKind] = {}
        self.figure_kinds: dict[str, FigureKind] = {}
        self.template_kinds: dict[str, TemplateKind] = {}
        self._subset_cache: dict[tuple[frozenset, str], Any] = {}
        # Facts derived from the loaded plugins (implementations per enabled set, schemas,
        # the declared permissions): computed once, dropped whenever the plugin set changes.
        self.memo: dict[Any, Any] = {}

    # ----- loading -------------------------------------------------------------------
    def load_entry_points(self, only: Iterable[str] | None = None) -> None:
        wanted = set(only) if only is not None else None
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if wanted is not None and ep.name not in wanted:
                continue
            dist = ep.dist.name if ep.dist else None
            try:
                module = ep.load()
            except Exception as exc:  # a broken plugin must not stop the platform
                record = self._fail(ep.name, FAILED, f"import failed: {exc!r}", dist, exc)
                record.package_dir = _package_dir_of(ep.module)
                continue
            self.add(ep.name, module, distribution=dist)

    def add(self, plugin_id: str, module: ModuleType | Any, distribution: str | None = None):
        """Register one plugin object (a module or any object with ``meta`` and hookimpls)."""
        meta = getattr(module, "meta", None)
        if not isinstance(meta, PluginMeta):
            return self._fail(
                plugin_id, FAILED, "no `meta = PluginMeta(...)` found", distribution, module=module
            )
        if meta.id != plugin_id:
            return self._fail(
                plugin_id, FAILED, f"meta.id {meta.id!r} != entry point {plugin_id!r}", distribution
            )
        problem = api_incompatibility(meta.api)
        if problem:  # keep meta: the operator sees which version asked for what
            return self._fail(
                plugin_id, INCOMPATIBLE, problem, distribution, meta=meta, module=module
            )
        try:
            spec_module = getattr(module, "hookspecs", None)
            if spec_module is not None:
                self.pm.add_hookspecs(spec_module)
            self.pm.register(module, name=plugin_id)
            self.memo.clear()
            self._collect_declarations(plugin_id, module)
        except Exception as exc:
            if self.pm.is_registered(module):
                self.pm.unregister(module)
            return self._fail(
                plugin_id, FAILED, f"registration failed: {exc!r}", distribution, exc, module=module
            )
        record = LoadedPlugin(plugin_id, ACTIVE, module, meta, None, distribution)
        record.package_dir = _folder_of(module)
        self.plugins[plugin_id] = record
        self.memo.clear()
        return record

    def _fail(
        self, plugin_id, status, reason, distribution=None, exc=None, meta=None, module=None
    ) -> LoadedPlugin:
        if exc is not None:  # the whole traceback: the reason alone rarely finds the bug
            log.error("plugin %s %s: %s", plugin_id, status, reason, exc_info=exc)
        else:
            log.error("plugin %s %s: %s", plugin_id, status, reason)
        record = LoadedPlugin(plugin_id, status, meta=meta, error=reason, distribution=distribution)
        record.package_dir = _folder_of(module)
        self.plugins[plugin_id] = record
        self.memo.clear()
        if self.strict:
            raise PluginLoadError(f"plugin {plugin_id}: {reason}") from exc
        return record

    def mark_failed(self, plugin_id: str, reason: str, exc: BaseException | None = None) -> None:
        """A plugin that loaded but broke later at start-up (its blueprint, a name check):
        unregister it so no hook of its is called, and keep the reason for the operator."""
        record = self.plugins[plugin_id]
        if record.module is not None and self.pm.is_registered(record.module):
            self.pm.unregister(record.module)
        self._subset_cache.clear()
        self.memo.clear()
        self.permissions = {
            name: perm
            for name, perm in self.permissions.items()
            if not name.startswith(plugin_id + ".")
        }
        self.notification_kinds = {
            name: kind
            for name, kind in self.notification_kinds.items()
            if not name.startswith(plugin_id + ".")
        }
        self.figure_kinds = {
            key: kind
            for key, kind in self.figure_kinds.items()
            if not key.startswith(plugin_id + ".")
        }
        self.template_kinds = {
            key: kind
            for key, kind in self.template_kinds.items()
            if not key.startswith(plugin_id + ".")
        }
        failed = self._fail(
            plugin_id, FAILED, reason, record.distribution, exc, record.meta, record.module
        )
        failed.module = record.module

    def _collect_declarations(self, plugin_id: str, module) -> None:
        declared = self._call_one(module, "permissions") or []
        for perm in declared:
            if not perm.name.startswith(plugin_id + "."):
                raise PluginLoadError(f"permission {perm.name!r} must start with {plugin_id}.")
            self.permissions[perm.name] = perm
        access = f"{plugin_id}.access"
        if access not in self.permissions:
            label = module.meta.label
            self.permissions[access] = Permission(access, label, ("member", "staff"))
        for role in self._call_one(module, "roles") or []:
            self.roles[role.name] = role
        for kind in self._call_one(module, "notification_kinds") or []:
            if not isinstance(kind, NotificationKind) or not kind.name.startswith(plugin_id + "."):
                raise PluginLoadError(
                    f"notification kind {kind!r} must be a NotificationKind named {plugin_id}.…"
                )
            self.notification_kinds[kind.name] = kind
        for figure in self._call_one(module, "figure_kinds") or []:
            if not isinstance(figure, FigureKind) or not figure.key.startswith(plugin_id + "."):
                raise PluginLoadError(f"figure {figure!r} must be a FigureKind keyed {plugin_id}.…")
            self.figure_kinds[figure.key] = figure
        for template in self._call_one(module, "template_kinds") or []:
            if not isinstance(template, TemplateKind) or not template.key.startswith(
                plugin_id + "."
            ):
                raise PluginLoadError(
                    f"template {template!r} must be a TemplateKind keyed {plugin_id}.…"
                )
            self.template_kinds[template.key] = template
        for field in self._call_one(module, "settings_schema") or []:
            if not isinstance(field, SettingField):
                raise PluginLoadError("settings_schema must return SettingField objects")

    def _call_one(self, module, hook_name: str, **kwargs):
        """Call one plugin's implementation of a hook directly (declarations at start-up)."""
        for impl in self.implementations(frozenset({self._name_of(module)}), hook_name):
            return call_impl(impl, kwargs)
        return None

    def _name_of(self, module) -> str:
        return self.pm.get_name(module) or ""

    # ----- queries ---------------------------------------------------------------------
    def active(self) -> list[LoadedPlugin]:
        """Loaded, compatible plugins in menu order."""
        return sorted(
            (p for p in self.plugins.values() if p.active), key=lambda p: (p.meta.order, p.id)
        )

    @property
    def active_ids(self) -> list[str]:
        if "active_ids" not in self.memo:
            self.memo["active_ids"] = tuple(p.id for p in self.active())
        return list(self.memo["active_ids"])

    def get(self, plugin_id: str) -> LoadedPlugin | None:
        return self.plugins.get(plugin_id)

    def always_on(self) -> frozenset[str]:
        if "always_on" not in self.memo:
            self.memo["always_on"] = frozenset(p.id for p in self.active() if p.meta.always_on)
        return self.memo["always_on"]

    def settings_schema(self, plugin_id: str) -> list[SettingField]:
        key = ("settings_schema", plugin_id)
        if key not in self.memo:
            record = self.plugins.get(plugin_id)
            found = record and record.active and self._call_one(record.module, "settings_schema")
            self.memo[key] = tuple(found or ())
        return list(self.memo[key])

    # ----- gated calls -----------------------------------------------------------------
    def hooks(self, enabled: frozenset[str]):
        """A hook relay that only calls plugins in ``enabled`` (cached per enabled set)."""
        return _GatedHooks(self, frozenset(enabled))

    def _subset(self, enabled: frozenset[str], name: str):
        key = (enabled, name)
        caller = self._subset_cache.get(key)
        if caller is None:
            others = [p.module for p in self.plugins.values() if p.active and p.id not in enabled]
            caller = self.pm.subset_hook_caller(name, remove_plugins=others)
            self._subset_cache[key] = caller
        return caller

    def implementations(self, enabled: frozenset[str], name: str) -> list[HookImpl]:
        """The implementations of a hook by plugins in ``enabled``, sorted by plugin id."""
        key = ("implementations", enabled, name)
        found = self.memo.get(key)
        if found is None:
            caller = getattr(self.pm.hook, name, None)
            impls = caller.get_hookimpls() if caller else []
            impls = [impl for impl in impls if impl.plugin_name in enabled]
            found = self.memo[key] = tuple(sorted(impls, key=lambda impl: impl.plugin_name))
        return list(found)


def _folder_of(module) -> Path | None:
    module_file = getattr(module, "__file__", None)
    return Path(module_file).parent if module_file else None


def _package_dir_of(module_name: str) -> Path | None:
    """Where a package lies, found without running its code (its import failed)."""
    try:
        spec = importlib.util.find_spec(module_name)
    except Exception:  # a parent package that fails too: nothing to find
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent


def call_impl(impl: HookImpl, kwargs: dict) -> Any:
    """Call one implementation with the subset of ``kwargs`` it asks for (as pluggy does)."""
    return impl.function(*(kwargs.get(name) for name in impl.argnames))


class _GatedHooks:
    def __init__(self, host: PluginHost, enabled: frozenset[str]) -> None:
        self._host, self._enabled = host, enabled

    def __getattr__(self, name: str):
        return self._host._subset(self._enabled, name)


def api_incompatibility(api_range: str) -> str | None:
    """Why a plugin declaring ``api_range`` cannot run here, or None if it can."""
    try:
        spec = SpecifierSet(api_range)
    except InvalidSpecifier:
        return f"invalid plugin API range {api_range!r}"
    if Version(PLUGIN_API_VERSION) not in spec:
        return f"needs plugin API {api_range}, this platform provides {PLUGIN_API_VERSION}"
    return None
