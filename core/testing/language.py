"""Words of the other language on a page: the rule the page-language crawl applies.

A page is in one language (``<html lang>``). Its UI text — text nodes, and the attributes
people read or hear: ``aria-label``, ``aria-description``, ``title``, ``placeholder``,
``alt``, and the label of ``<input type=submit|button>`` — must not contain words of the
other language:

* on an English page no Han character or full-width CJK punctuation;
* on a Chinese page no Latin word (two letters or more), except the few names Chinese
  readers use as they are (``LATIN_WORDS_OK``: CSV, Excel, MB …).

What people typed is exempt: an element marked ``data-user`` (and everything inside it)
holds data (a name, a title, a community's name), and an element whose ``lang`` differs
from the page's is deliberately in another language (the language switch). ``<script>``,
``<style>``, ``<textarea>`` and ``<title>`` are not read (the title is the h1's words plus
data; the h1 is checked). Vendors can call ``foreign_words(html)`` in their own tests.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

HAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff5e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_WORDS_OK = {"CSV", "Excel", "MB", "KB", "PDF", "ZIP", "Stripe"}
READ_ATTRIBUTES = ("aria-label", "aria-description", "title", "placeholder", "alt")
# <code> holds identifiers (a module id, a table name, an action code), not words.
NOT_READ = {"script", "style", "textarea", "title", "template", "code"}
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


def _lang_of(value: str) -> str:
    return "en" if value.lower().startswith("en") else "zh"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = "zh"
        self.stack: list[tuple[str, bool]] = []  # (tag, exempt)
        self.found: list[tuple[str, str]] = []  # (where, text)

    @property
    def exempt(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html" and attributes.get("lang"):
            self.page_lang = _lang_of(attributes["lang"])
        exempt = (
            self.exempt
            or tag in NOT_READ
            or "data-user" in attributes
            or (
                "lang" in attributes
                and tag != "html"
                and _lang_of(attributes["lang"] or "") != self.page_lang
            )
        )
        if not exempt:
            for name in READ_ATTRIBUTES:
                if attributes.get(name):
                    self.found.append((f"<{tag} {name}>", attributes[name]))
            if tag == "input" and attributes.get("type") in ("submit", "button"):
                self.found.append((f"<{tag} value>", attributes.get("value") or ""))
        if tag not in VOID:
            self.stack.append((tag, exempt))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        # Close up to the matching tag (tolerates omitted end tags such as </li>, </p>).
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if data.strip() and not self.exempt:
            where = f"<{self.stack[-1][0]}>" if self.stack else "text"
            self.found.append((where, " ".join(data.split())))


def foreign_words(html: str) -> list[str]:
    """UI text of ``html`` in the other language than its ``<html lang>``: ``where: text``."""
    reader = _Reader()
    reader.feed(html)
    problems = []
    for where, text in reader.found:
        if reader.page_lang == "en":
            bad = HAN.search(text)
        else:
            bad = any(word not in LATIN_WORDS_OK for word in LATIN_WORD.findall(text))
        if bad:
            problems.append(f"{where}: {text[:120]}")
    return problems
