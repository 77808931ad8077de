"""Both languages are complete, the compiled catalogues match their sources, and pages
render in each language with its own date format."""

from datetime import UTC, datetime

import pytest
from babel.messages import catalog as babel_catalog
from babel.messages.mofile import write_mo

from core.services import i18n_tools


def test_every_message_is_translated_in_both_languages():
    missing = i18n_tools.missing()
    assert missing == [], "run `make i18n` and translate:\n" + "\n".join(missing[:40])


@pytest.mark.parametrize("root", i18n_tools.catalogue_roots(), ids=lambda r: r[0].name)
def test_committed_mo_files_match_their_po_sources(root):
    _name, _sources, translations = root
    for locale in i18n_tools.LOCALES:
        assert i18n_tools.compiled_matches(translations, locale), (
            f"{translations}/{locale}: .mo is stale; run `make i18n`"
        )


SMALL_PO = r"""
msgid ""
msgstr ""
"Project-Id-Version: gongzhi 0.1\n"
"Language: zh_Hans\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=1; plural=0;\n"

msgid "Dashboard"
msgstr "首页"

msgctxt "notices"
msgid "Post"
msgstr "发布"

msgid "%(num)d notice"
msgid_plural "%(num)d notices"
msgstr[0] "%(num)d 条公告"

#, fuzzy
msgid "Draft"
msgstr "草稿"

#~ msgid "Old"
#~ msgstr "旧"
"""


def _compiled_pair(tmp_path):
    """A .po in tmp_path compiled to its .mo as `make i18n` does; returns the folder."""
    translations = tmp_path / "translations"
    po = i18n_tools.po_path(translations, "zh_Hans")
    po.parent.mkdir(parents=True)
    po.write_text(SMALL_PO, encoding="utf-8")
    with po.with_suffix(".mo").open("wb") as fh:
        write_mo(fh, i18n_tools.load(po, "zh_Hans"), use_fuzzy=False)
    return translations


def test_a_mo_from_another_babel_version_still_matches(tmp_path, monkeypatch):
    translations = _compiled_pair(tmp_path)
    mo = i18n_tools.po_path(translations, "zh_Hans").with_suffix(".mo")
    before = mo.read_bytes()
    assert i18n_tools.compiled_matches(translations, "zh_Hans")
    with monkeypatch.context() as patch, mo.open("wb") as fh:
        patch.setattr(babel_catalog, "VERSION", "99.0")  # "Generated-By: Babel 99.0"
        write_mo(fh, i18n_tools.load(mo.with_suffix(".po"), "zh_Hans"), use_fuzzy=False)
    assert mo.read_bytes() != before and b"Babel 99.0" in mo.read_bytes()
    assert i18n_tools.compiled_matches(translations, "zh_Hans")
    mo.unlink()
    assert not i18n_tools.compiled_matches(translations, "zh_Hans")


@pytest.mark.parametrize(
    ("old", "new", "still_matches"),
    [
        ('msgstr "首页"', 'msgstr "主页"', False),  # a translation
        ('msgstr "发布"', 'msgstr "张贴"', False),  # a translation with a context
        ('msgctxt "notices"', 'msgctxt "requests"', False),  # the context itself
        ('"%(num)d 条公告"', '"%(num)d 个公告"', False),  # a plural form
        ("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);", False),  # the plural rule
        ("#, fuzzy\n", "", False),  # a fuzzy entry confirmed: now compiled
        ('msgstr "草稿"', 'msgstr "底稿"', True),  # fuzzy: the compiler leaves it out
        ('#~ msgstr "旧"', '#~ msgstr "老"', True),  # obsolete: left out too
        ("gongzhi 0.1", "gongzhi 0.2", True),  # a header that changes no message
    ],
)
def test_editing_the_po_without_recompiling_is_caught(tmp_path, old, new, still_matches):
    translations = _compiled_pair(tmp_path)
    po = i18n_tools.po_path(translations, "zh_Hans")
    assert old in SMALL_PO
    po.write_text(SMALL_PO.replace(old, new), encoding="utf-8")
    assert i18n_tools.compiled_matches(translations, "zh_Hans") is still_matches


def test_pages_render_in_chinese_by_default_and_in_english_on_request(app, member_client):
    zh = member_client.get("/c/alpha/").get_data(as_text=True)
    assert "首页" in zh and 'lang="zh-Hans"' in zh
    member_client.post("/lang", data={"locale": "en", "next": "/c/alpha/"})
    en = member_client.get("/c/alpha/").get_data(as_text=True)
    assert "Dashboard" in en and 'lang="en"' in en


def test_dates_and_money_follow_the_language(app):
    from core.web.templating import date, money

    moment = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert date(moment) == "2026年11月22日"
    with app.test_request_context():
        from flask import session

        session["locale"] = "en"
        assert date(moment) == "2026-11-22"
    assert money(123450) == "¥1,234.50" and money(-5) == "-¥0.05" and money(0) == "¥0.00"


def test_a_community_defaults_to_its_own_language(app, make_community, make_user, login):
    english = make_community("english-town", default_locale="en")
    person = make_user("p@example.org", english)
    assert "Dashboard" in login(person).get("/c/english-town/").get_data(as_text=True)


# ----- each plugin has its own domain ------------------------------------------------------
WORDY_PO = r"""
msgid ""
msgstr ""
"Language: zh_Hans\n"
"Content-Type: text/plain; charset=utf-8\n"
"Plural-Forms: nplurals=1; plural=0;\n"

msgid "Name"
msgstr "名称"

msgid "Search"
msgstr "检索"

msgctxt "wordy"
msgid "Off"
msgstr "停用"

msgid "%(num)d item"
msgid_plural "%(num)d items"
msgstr[0] "%(num)d 件"
"""

WORDY_PAGE = """{% extends "base.html" %}
{% block content %}<p id="own">{{ _("Name") }}|{{ pgettext("wordy", "Off") }}|\
{{ ngettext("%(num)d item", "%(num)d items", 3) }}|{{ _("Dashboard") }}|\
{% trans %}Search{% endtrans %}|{{ _("Sign <b>%(who)s</b>", who="<i>") }}</p>{% endblock %}"""


class _Wordy:
    """A plugin that means other things than core by "Name" and "Search"."""

    def __init__(self, root) -> None:
        from flask import Blueprint, render_template

        from core.plugin_api import PluginMeta, hookimpl

        translations = root / "translations"
        po = i18n_tools.po_path(translations, "zh_Hans")
        po.parent.mkdir(parents=True)
        po.write_text(WORDY_PO, encoding="utf-8")
        with po.with_suffix(".mo").open("wb") as fh:
            write_mo(fh, i18n_tools.load(po, "zh_Hans"), use_fuzzy=False)
        (root / "templates" / "wordy").mkdir(parents=True)
        (root / "templates" / "wordy" / "page.html").write_text(WORDY_PAGE, encoding="utf-8")
        self.meta = PluginMeta(
            id="wordy",
            version="1.0",
            label={"zh_Hans": "词", "en": "Wordy"},
            description={"zh_Hans": "词", "en": "Wordy"},
            translations=str(translations),
        )
        bp = Blueprint("wordy", __name__, template_folder=str(root / "templates"))
        bp.add_url_rule("/", "page", lambda: render_template("wordy/page.html"))
        self.register_blueprints = hookimpl(lambda: [bp])


@pytest.fixture
def wordy(tmp_path):
    return _Wordy(tmp_path)


@pytest.fixture
def gongzhi_extra_plugins(request):
    if "wordy" in request.fixturenames:
        return {"wordy": request.getfixturevalue("wordy")}
    return {}


def test_a_plugin_template_speaks_with_its_catalogue_and_core_keeps_its_words(
    wordy, community, enable_plugin, admin_client
):
    enable_plugin(community, "wordy")
    page = admin_client.get("/c/alpha/wordy/").get_data(as_text=True)
    own = page.split('<p id="own">')[1].split("</p>")[0]
    # Its words, its context, its plural; core's words where it has none; {% trans %} too;
    # arguments escaped as in any template.
    assert own == "名称|停用|3 件|首页|检索|Sign <b>&lt;i&gt;</b>"
    # The layout around it is core's: core's "Search" stays 搜索 on the plugin's own page.
    assert "搜索" in page.replace(own, "")
    members = admin_client.get("/c/alpha/members").get_data(as_text=True)
    assert "姓名" in members and "名称" not in members  # core's "Name" on core's page


def test_python_code_gets_the_plugin_catalogue_first_and_core_as_fallback(app, wordy):
    from flask_babel import gettext

    from core.plugin_api import translator

    _, _l, ngettext, pgettext = translator("wordy")
    label = _l("Name")
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert (_("Name"), gettext("Name")) == ("名称", "姓名")
        assert _("Dashboard") == "首页" and str(label) == "名称"
        assert pgettext("wordy", "Off") == "停用" and ngettext("%(num)d item", "", 2) == "2 件"
        assert translator("nosuch").gettext("Name") == "姓名"  # unknown: core's
    with app.test_request_context():
        from flask import session

        session["locale"] = "en"
        assert _("Name") == "Name"
    assert _("Name") == "Name"  # outside a request: untranslated, no error


def test_core_reads_only_its_own_catalogue(app):
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";") == [
        str(i18n_tools.ROOT / "core" / "translations")
    ]


def test_plugins_i18n_checks_a_plugins_catalogue(app):
    runner = app.test_cli_runner()
    checked = runner.invoke(args=["plugins", "i18n", "notices", "check"])
    assert checked.exit_code == 0 and "all translated" in checked.output
    unknown = runner.invoke(args=["plugins", "i18n", "nosuch", "check"])
    assert unknown.exit_code == 1 and "nosuch: no such plugin is installed" in unknown.output


def test_plugins_i18n_check_names_what_is_missing(app, tmp_path, monkeypatch):
    from core.plugins import translations

    record = app.extensions["gongzhi.plugins"].get("notices")
    (tmp_path / "views.py").write_text('from x import _\nWORD = _("A word nobody translated")\n')
    monkeypatch.setattr(translations, "source_folders", lambda r: [tmp_path])
    monkeypatch.setattr(translations, "catalogue_folder", lambda r: tmp_path / "translations")
    result = app.test_cli_runner().invoke(args=["plugins", "i18n", record.id, "check"])
    assert result.exit_code == 1
    assert "zh_Hans: A word nobody translated" in result.output
    updated = app.test_cli_runner().invoke(args=["plugins", "i18n", record.id, "update"])
    assert updated.exit_code == 0 and "en: A word" not in updated.output  # English fills itself
    assert "zh_Hans: A word nobody translated" in updated.output
    assert (tmp_path / "translations" / "en" / "LC_MESSAGES" / "messages.mo").exists()
