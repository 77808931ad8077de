"""Mount plugin blueprints at ``/c/<slug>/<plugin_id>/`` behind the community guard."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, request, send_from_directory

from core.community.permissions import require_login_and
from core.plugins.gateway import enabled_plugins
from core.plugins.host import PluginHost, call_impl
from tenants.context import current_community


def plugin_static_dir(record) -> Path | None:
    folder = record.package_dir / "static" if record.package_dir else None
    return folder if folder is not None and folder.is_dir() else None


def mount_plugins(app: Flask, host: PluginHost) -> None:
    """Mount blueprints, and serve each plugin's ``static/`` at ``/static/plugins/<id>/``.

    A plugin's ``static/<id>.css``, if present, is linked on every page of communities
    that have it on: plugins style themselves without inline styles (the CSP forbids them).
    """
    stylesheets = {}
    for record in host.active():
        folder = plugin_static_dir(record)
        if folder is not None and (folder / f"{record.id}.css").is_file():
            stylesheets[record.id] = f"{record.id}.css"
    app.extensions["gongzhi.plugin_stylesheets"] = stylesheets

    @app.route("/static/plugins/<plugin_id>/<path:filename>", endpoint="plugin_static")
    def plugin_static(plugin_id: str, filename: str):
        record = host.get(plugin_id)
        folder = plugin_static_dir(record) if record is not None and record.active else None
        if folder is None:
            abort(404)
        return send_from_directory(folder, filename, max_age=3600)

    for record in host.active():
        for impl in host.implementations(frozenset({record.id}), "register_blueprints"):
            try:
                blueprints = call_impl(impl, {}) or []
                for bp in blueprints:
                    _mount(app, record.id, bp)
            except Exception as exc:
                host.mark_failed(record.id, f"blueprint failed: {exc!r}", exc)


def _mount(app: Flask, plugin_id: str, bp: Blueprint) -> None:
    if bp.name != plugin_id and not bp.name.startswith(plugin_id + "_"):
        raise ValueError(f"blueprint {bp.name!r} of plugin {plugin_id!r} must be named after it")
    if not getattr(bp, "_gongzhi_guarded", False):
        bp.before_request(_guard_for(plugin_id))
        bp._gongzhi_guarded = True
    app.register_blueprint(bp, url_prefix=f"/c/<tenant>/{plugin_id}")


def _guard_for(plugin_id: str):
    def guard():
        if current_community() is None or plugin_id not in enabled_plugins():
            abort(404)
        view = current_app.view_functions.get(request.endpoint)
        if getattr(view, "gongzhi_public", False):
            return None
        # A view decorated with ``requires`` checks its own, stricter permission.
        return require_login_and(f"{plugin_id}.access")

    return guard
