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


def test_catalogues_agree_on_shared_words():
    """Core's catalogue is merged last, so it wins for the same English text: a built-in
    plugin that means something else by a word must say so (pgettext, or other words)."""
    from babel.messages.pofile import read_po

    seen: dict[tuple, tuple[str, str]] = {}
    conflicts = []
    for root, _sources, translations in i18n_tools.catalogue_roots():
        with i18n_tools.po_path(translations, "zh_Hans").open("rb") as fh:
            catalog = read_po(fh, locale="zh_Hans")
        for message in catalog:
            if not message.id:
                continue
            key = (message.id if isinstance(message.id, str) else message.id[0], message.context)
            if key in seen and seen[key][1] != message.string:
                conflicts.append(f"{key[0]!r}: {seen[key]} vs {(root.name, message.string)}")
            seen.setdefault(key, (root.name, message.string))
    assert conflicts == [], "\n".join(conflicts)


def test_core_catalogue_is_merged_last(app):
    dirs = app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert dirs[-1].endswith("core/translations") and len(dirs) > 1
