"""The layout on every page: one highlighted menu item, a title that names the site once,
the menu sent out of band when a module is switched, and badge colours readable (AA)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CURRENT = re.compile(r'<a href="([^"]+)"[^>]*aria-current="page"')


def _menu(html: str) -> str:
    start = html.index('id="community-menu"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.parametrize(
    "path, current",
    [
        ("/c/alpha/", "/c/alpha/"),
        ("/c/alpha/requests/", "/c/alpha/requests/"),
        ("/c/alpha/requests/ledger", "/c/alpha/requests/ledger"),
        ("/c/alpha/requests/ledger?kind=red", "/c/alpha/requests/ledger"),
        ("/c/alpha/requests/catalogue/categories/new", "/c/alpha/requests/catalogue"),
        ("/c/alpha/notices/new", "/c/alpha/notices/"),
        ("/c/alpha/settings", "/c/alpha/settings"),
        ("/c/alpha/members", "/c/alpha/members"),
        ("/c/alpha/search?q=x", "/c/alpha/search"),
    ],
)
def test_exactly_one_menu_item_is_current(admin_client, enable_plugin, community, path, current):
    enable_plugin(community, "requests")
    enable_plugin(community, "notices")
    html = admin_client.get(path).get_data(as_text=True)
    assert CURRENT.findall(_menu(html)) == [current]


def test_a_page_outside_the_menu_highlights_nothing(admin_client, community):
    html = admin_client.get("/c/alpha/export").get_data(as_text=True)
    assert CURRENT.findall(_menu(html)) == []


def test_the_title_names_the_site_once(client, admin_client):
    assert re.search(r"<title>共治</title>", client.get("/").get_data(as_text=True))
    settings = admin_client.get("/c/alpha/settings").get_data(as_text=True)
    assert "<title>设置 · 共治</title>" in settings
    english = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<title>Gongzhi</title>" in english and "共治" not in english.split("<body")[1]


def test_switching_a_module_updates_the_menu_out_of_band(admin_client, community):
    off = admin_client.get("/c/alpha/settings").get_data(as_text=True)
    assert "/c/alpha/requests/" not in _menu(off)
    response = admin_client.post(
        "/c/alpha/settings/modules/requests", data={"enabled": "1"}, headers={"HX-Request": "true"}
    )
    html = response.get_data(as_text=True)
    # The target exists in every page's layout, and the response carries the new menu.
    menu = re.search(r'<nav class="community-menu" id="community-menu"[^>]*>', html)[0]
    assert 'hx-swap-oob="true"' in menu
    assert "/c/alpha/requests/" in _menu(html)
    assert 'id="community-menu"' in off


# ----- colour contrast ------------------------------------------------------------------
def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _badge_colours() -> dict[str, tuple[str, str]]:
    """(background, text) of every badge rule in core's and the plugins' stylesheets,
    with the --gz-* colours resolved from :root."""
    core = (ROOT / "core/static/gongzhi.css").read_text()
    sheets = core + "".join(p.read_text() for p in ROOT.glob("plugins/*/static/*.css"))
    variables = dict(re.findall(r"(--gz-[\w-]+):\s*(#[0-9a-fA-F]{3,6})", core))
    white = {"#fff": "#ffffff"}
    found = {}
    for selector, body in re.findall(r"([^{}]*badge[^{}]*)\{([^}]*)\}", sheets):
        background = re.search(r"background:\s*(var\((--gz-[\w-]+)\)|#[0-9a-fA-F]{3,6})", body)
        colour = re.search(r"(?<!-)color:\s*(#[0-9a-fA-F]{3,6})", body)
        if background and colour:
            bg = variables[background[2]] if background[2] else background[1]
            found[selector.strip()] = (white.get(bg, bg), white.get(colour[1], colour[1]))
    return found


def test_badges_meet_aa_contrast():
    colours = _badge_colours()
    assert {".rq-badge.kind-red", ".rq-badge.kind-orange", ".rq-badge.kind-yellow"} <= set(colours)
    weak = {
        selector: round(contrast(bg, fg), 2)
        for selector, (bg, fg) in colours.items()
        if contrast(bg, fg) < 4.5
    }
    assert weak == {}


def test_contrast_formula_matches_the_issue():
    # The orange badge before the fix: white on #ef6c00 measured 3.08:1 in issue 18.
    assert round(contrast("#ef6c00", "#ffffff"), 2) == 3.08
