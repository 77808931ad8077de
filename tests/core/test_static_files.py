"""Static files for a slow phone connection: versioned URLs cached for a year, compressed
responses, a favicon and a web app manifest (issue 18)."""

from __future__ import annotations

import gzip
import re

import pytest

YEAR = "max-age=31536000"


def _head_links(html: str) -> dict[str, list[str]]:
    head = html.split("</head>", 1)[0]
    links: dict[str, list[str]] = {}
    for rel, href in re.findall(r'<link rel="([^"]+)" href="([^"]+)"', head):
        links.setdefault(rel, []).append(href.replace("&amp;", "&"))
    for src in re.findall(r'<script src="([^"]+)"', head):
        links.setdefault("script", []).append(src.replace("&amp;", "&"))
    return links


def test_every_linked_static_file_has_a_versioned_url_cached_for_a_year(
    member_client, enable_plugin, community
):
    enable_plugin(community, "requests")
    links = _head_links(member_client.get("/c/alpha/").get_data(as_text=True))
    files = links["stylesheet"] + links["script"] + links["icon"] + links["apple-touch-icon"]
    assert any("/static/plugins/requests/requests.css" in f for f in files)
    for url in files:
        assert re.search(r"[?&]v=[0-9a-f]{12}$", url), url
        response = member_client.get(url)
        assert response.status_code == 200, url
        cache = response.headers["Cache-Control"]
        assert "public" in cache and YEAR in cache and "immutable" in cache, (url, cache)
        # Without the version (or with an old one) the file is not cached for long.
        bare = member_client.get(url.split("?", 1)[0])
        assert YEAR not in bare.headers.get("Cache-Control", ""), url
        old = member_client.get(url.split("?", 1)[0] + "?v=000000000000")
        assert YEAR not in old.headers.get("Cache-Control", ""), url


def test_a_changed_file_gets_a_new_url(app, tmp_path):
    """In development (debug) an edited file gets a new URL at once; in production the
    versions are remembered per process (files change with a deploy, which restarts it)."""
    from flask import url_for

    (tmp_path / "app.css").write_text("body { color: red }")
    app.static_folder = str(tmp_path)
    app.debug = True
    with app.test_request_context():
        first = url_for("static", filename="app.css")
    (tmp_path / "app.css").write_text("body { color: blue }")
    with app.test_request_context():
        second = url_for("static", filename="app.css")
        missing = url_for("static", filename="nope.css")
    assert first != second and first.split("?")[0] == second.split("?")[0]
    assert "v=" not in missing


def test_production_remembers_each_static_files_version(app, tmp_path):
    from flask import url_for

    (tmp_path / "app.css").write_text("body { color: red }")
    app.static_folder = str(tmp_path)
    app.debug = False
    with app.test_request_context():
        first = url_for("static", filename="app.css")
    (tmp_path / "app.css").unlink()  # no stat any more: the version is remembered
    with app.test_request_context():
        assert url_for("static", filename="app.css") == first


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_pages_and_static_files_are_compressed(client, member_client, encoding):
    page = member_client.get("/c/alpha/", headers={"Accept-Encoding": encoding})
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"]
    css_url = _head_links(client.get("/login").get_data(as_text=True))["stylesheet"][0]
    css = client.get(css_url, headers={"Accept-Encoding": encoding})
    assert css.headers["Content-Encoding"] == encoding
    plain = client.get(css_url)
    assert "Content-Encoding" not in plain.headers
    if encoding == "gzip":
        assert gzip.decompress(css.data) == plain.data
        assert len(css.data) < len(plain.data) / 3


def test_favicon_and_manifest(client, member_client, community):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.data[:4] == b"\x00\x00\x01\x00"

    site = client.get("/manifest.webmanifest")
    assert site.mimetype == "application/manifest+json"
    assert site.json["start_url"] == "/" and site.json["display"] == "standalone"

    links = _head_links(member_client.get("/c/alpha/").get_data(as_text=True))
    (manifest_url,) = links["manifest"]
    assert manifest_url == "/c/alpha/manifest.webmanifest"
    manifest = member_client.get(manifest_url).json
    assert manifest["name"] == "甲社区" and manifest["start_url"] == "/c/alpha/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    for entry in manifest["icons"]:
        image = client.get(entry["src"])
        assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    # A visitor may add a community's public page too: the manifest is public.
    assert client.get(manifest_url).json["name"] == "甲社区"
