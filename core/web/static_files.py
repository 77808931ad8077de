"""Static files for slow phone connections: versioned URLs cached for a year, compressed
responses, a favicon, and a web app manifest so the site can sit on a home screen.

``url_for('static', filename=...)`` and ``url_for('plugin_static', ...)`` add ``v=<content
hash>``. A request that carries the file's current hash is answered with a one-year,
``immutable`` Cache-Control: a changed file gets a new URL, so nothing stale is ever kept,
and later pages load without asking again. A request without it (or with an old hash) is
answered as before (``no-cache`` with an ETag). Compression (gzip, brotli, zstd for pages,
styles, scripts and the manifest) is Flask-Compress, set up in ``core.extensions``.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, request, send_from_directory, url_for
from flask_babel import gettext as _
from werkzeug.security import safe_join

from core.community.permissions import public
from core.extensions import compress
from core.services.i18n import current_locale
from tenants.context import current_community

ONE_YEAR = 365 * 24 * 3600
VERSIONED = ("static", "plugin_static")
THEME_COLOR = "#0b5e8c"  # the icon's blue

bp = Blueprint("static_files", __name__)


@lru_cache(maxsize=1024)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    # Keyed by modification time and size too: an edited file (development) gets a new hash.
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def _folder(endpoint: str, values: dict) -> str | None:
    if endpoint == "static":
        return current_app.static_folder
    from core.web.plugin_routes import plugin_static_dir

    record = current_app.extensions["gongzhi.plugins"].get(values.get("plugin_id", ""))
    folder = plugin_static_dir(record) if record is not None else None
    return str(folder) if folder is not None else None


def version_of(endpoint: str, values: dict) -> str | None:
    """The content hash of the static file ``url_for(endpoint, **values)`` names, or None."""
    folder = _folder(endpoint, values)
    path = safe_join(folder, values.get("filename", "")) if folder else None
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    return _digest(path, stat.st_mtime_ns, stat.st_size)


def _add_version(endpoint: str, values: dict) -> None:
    if endpoint in VERSIONED and "filename" in values and "v" not in values:
        version = _known_version(endpoint, values)
        if version:
            values["v"] = version


def _known_version(endpoint: str, values: dict) -> str | None:
    """``version_of``, remembered per process unless files may change under it (debug):
    a page links a dozen static files, and a stat per link per view adds up."""
    if current_app.debug:
        return version_of(endpoint, values)
    memo = current_app.extensions.setdefault("gongzhi.static_versions", {})
    key = (endpoint, values.get("plugin_id"), values["filename"])
    if key not in memo:
        memo[key] = version_of(endpoint, values)
    return memo[key]


def _cache_versioned(response):
    if (
        request.endpoint in VERSIONED
        and response.status_code in (200, 304)
        and request.args.get("v")
        and request.args.get("v") == version_of(request.endpoint, request.view_args or {})
    ):
        response.cache_control.clear()
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    return response


@bp.route("/favicon.ico")
def favicon():
    # Browsers and bookmark tools ask for it at the root whatever the page links.
    return send_from_directory(
        Path(current_app.static_folder) / "icons", "favicon.ico", max_age=7 * 24 * 3600
    )


def _manifest():
    community = current_community()
    name = community.name() if community else _("Gongzhi")
    icons = [
        ("icons/icon-192.png", "192x192", "any"),
        ("icons/icon-512.png", "512x512", "any"),
        ("icons/maskable-512.png", "512x512", "maskable"),
    ]
    response = jsonify(
        {
            "name": name,
            "short_name": name[:12],
            "lang": "en" if current_locale() == "en" else "zh-Hans",
            "start_url": url_for("community.dashboard") if community else url_for("auth.home"),
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": THEME_COLOR,
            "icons": [
                {
                    "src": url_for("static", filename=src),
                    "sizes": sizes,
                    "type": "image/png",
                    "purpose": purpose,
                }
                for src, sizes, purpose in icons
            ],
        }
    )
    response.mimetype = "application/manifest+json"
    response.cache_control.max_age = 3600
    response.vary.add("Cookie")  # the name follows the chosen language
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The site's manifest: the platform's name, starting at the home page."""
    return _manifest()


@bp.route("/c/<tenant>/manifest.webmanifest")
@public  # the community's name and icons, as on its public page
def community_manifest():
    """A community's manifest: added to the home screen, it opens that community."""
    return _manifest()


def manifest_url() -> str:
    community = current_community()
    if community is not None:
        return url_for("static_files.community_manifest")
    return url_for("static_files.manifest")


def install(app: Flask) -> None:
    # Static files are sent as streams: gzip too (Flask-Compress leaves it out by default,
    # and some proxies only speak gzip), and conditional requests for plugin files too.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", list(VERSIONED))
    compress.init_app(app)
    app.url_defaults(_add_version)
    app.after_request(_cache_versioned)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(manifest_url=manifest_url, THEME_COLOR=THEME_COLOR)
