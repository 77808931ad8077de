"""A pay scale as text: what a street or district office writes to publish its scale for
the communities under it (core's templates down, kind ``salaries.scale``), and the text
the next version starts from::

    名称 | 云龙街道社区工作者薪酬标准（2027）
    党组织书记 | 城市社区 | 4200 4250 4300 4350 4400 4450 4500 4550 4600 4700
    党组织书记 | 集镇社区 | 3900 3950 4000 4050 4100 4150 4200 4250 4300 4400
    …

One line per post and community type: the post, the type and ten monthly amounts in yuan
for levels 1 to 10 (separated by spaces; one amount means every level; up to two
decimals). Posts and types are written as the pages name them, in Chinese or English, or
by their codes (``secretary``, ``urban``); a type may drop its 社区 / "community". Every
post needs a line for both types. Blank lines and lines starting with ``#`` are ignored.
The payload is what ``scales.check_rates`` accepts: ``{"name", "rates"}`` in fen.
"""

from __future__ import annotations

import re

from core.plugin_api import BadTemplate, TemplateKind, in_every_language
from plugins.salaries.i18n import _, _l
from plugins.salaries.labels import AREA_LABELS, POST_LABELS
from plugins.salaries.models import AREAS, LEVELS, POSTS
from plugins.salaries.money import parse_yuan, yuan_plain
from plugins.salaries.scales import BadScale, check_rates

MAX_FEN = 100_000_000  # 1,000,000 yuan, what check_rates allows
NAME_MAX = 80  # ScaleVersion.name
_CELLS = re.compile(r"\s*[|｜]\s*")
_AMOUNTS = re.compile(r"[\s,，、;；]+")
_SUFFIXES = ("社区", " community")
NAME_LABEL = {"name": _l("Scale name")}  # also read: 名称, name


def _norm(word: str) -> str:
    return " ".join(word.split()).casefold()


def _words(labels: dict) -> dict[str, str]:
    """``{written form: code}``: the code, and the label in both languages (with and
    without the 社区 / "community" ending)."""
    found: dict[str, str] = {}
    for code, label in labels.items():
        forms = {code}
        forms.update(in_every_language(label).values())
        for form in list(forms):
            for suffix in _SUFFIXES:
                if form.endswith(suffix) and len(form) > len(suffix):
                    forms.add(form[: -len(suffix)])
        found.update({_norm(form): code for form in forms})
    return found


def _listed(labels: dict) -> str:
    return "、".join(str(label) for label in labels.values())


def _amounts(cell: str, number: int) -> list[int]:
    parts = [p for p in _AMOUNTS.split(cell) if p]
    amounts = [parse_yuan(p) for p in parts]
    if len(parts) not in (1, len(LEVELS)) or None in amounts:
        raise BadTemplate(
            _("Line %(line)d: give one amount for every level, or ten amounts (levels 1 to "
              "10), in yuan like 2900 or 2900.50, separated by spaces.", line=number)
        )  # fmt: skip
    if any(a > MAX_FEN for a in amounts):
        raise BadTemplate(
            _("Line %(line)d: an amount above 1,000,000 yuan a month cannot be right.",
              line=number)
        )  # fmt: skip
    return amounts * len(LEVELS) if len(amounts) == 1 else amounts


def parse(text: str) -> dict:
    """The payload of an office's scale from its text; ``BadTemplate`` naming the line."""
    posts, areas = _words(POST_LABELS), _words(AREA_LABELS)
    name_words = {*_words(NAME_LABEL), "名称"}
    rates: dict[str, dict[str, list[int]]] = {post: {} for post in POSTS}
    name = ""
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = _CELLS.split(line)
        if len(cells) == 2 and _norm(cells[0]) in name_words:
            if name:
                raise BadTemplate(_("Line %(line)d: the name is given twice.", line=number))
            name = cells[1].strip()
            if not name or len(name) > NAME_MAX:
                raise BadTemplate(
                    _("Line %(line)d: the name must have 1 to %(max)d characters.",
                      line=number, max=NAME_MAX)
                )  # fmt: skip
            continue
        if len(cells) != 3:
            raise BadTemplate(
                _("Line %(line)d: write the post, the community type and the amounts, "
                  "separated by “|”.", line=number)
            )  # fmt: skip
        post, area = posts.get(_norm(cells[0])), areas.get(_norm(cells[1]))
        if post is None:
            raise BadTemplate(
                _("Line %(line)d: “%(word)s” is not a post (%(posts)s).",
                  line=number, word=cells[0], posts=_listed(POST_LABELS))
            )  # fmt: skip
        if area is None:
            raise BadTemplate(
                _("Line %(line)d: “%(word)s” is not a community type (%(areas)s).",
                  line=number, word=cells[1], areas=_listed(AREA_LABELS))
            )  # fmt: skip
        if area in rates[post]:
            raise BadTemplate(
                _("Line %(line)d: %(post)s (%(area)s) is given twice.",
                  line=number, post=POST_LABELS[post], area=AREA_LABELS[area])
            )  # fmt: skip
        rates[post][area] = _amounts(cells[2], number)
    for post in POSTS:
        for area in AREAS:
            if area not in rates[post]:
                raise BadTemplate(
                    _("No line for %(post)s (%(area)s): every post needs its amounts for "
                      "both community types.", post=POST_LABELS[post], area=AREA_LABELS[area])
                )  # fmt: skip
    try:
        return {"name": name, "rates": check_rates(rates)}
    except BadScale as exc:  # cannot happen after the checks above; said all the same
        raise BadTemplate(str(exc)) from exc


def text(payload: dict) -> str:
    """The text of a payload, in the reader's language (``parse`` reads it back)."""
    lines = []
    if payload.get("name"):
        lines.append(f"{NAME_LABEL['name']} | {payload['name']}")
    rates = payload.get("rates") or {}
    for post in POSTS:
        for area in AREAS:
            row = (rates.get(post) or {}).get(area)
            if isinstance(row, list) and all(type(v) is int for v in row):
                amounts = " ".join(yuan_plain(v) for v in row)
                lines.append(f"{POST_LABELS[post]} | {AREA_LABELS[area]} | {amounts}")
    return "\n".join(lines) + "\n"


EXAMPLE = """名称 | 云龙街道社区工作者薪酬标准（2027）
党组织书记 | 城市社区 | 4200 4250 4300 4350 4400 4450 4500 4550 4600 4700
党组织书记 | 集镇社区 | 3900 3950 4000 4050 4100 4150 4200 4250 4300 4400
居委会主任 | 城市社区 | 4000 4050 4100 4150 4200 4250 4300 4350 4400 4500
居委会主任 | 集镇社区 | 3700 3750 3800 3850 3900 3950 4000 4050 4100 4200
副职 | 城市社区 | 3500
副职 | 集镇社区 | 3300
专职工作者 | 城市社区 | 2900 2950 3000 3050 3100 3150 3200 3250 3300 3400
专职工作者 | 集镇社区 | 2600 2650 2700 2750 2800 2850 2900 2950 3000 3100
"""

KINDS = [
    TemplateKind(
        "salaries.scale",
        {"zh_Hans": "社区工作者薪酬标准", "en": "Community-worker pay scale"},
        {
            "zh_Hans": "每个岗位和社区类型一行：岗位 | 社区类型 | 1 至 10 级的月基本工资（元，"
            "以空格分隔；只写一个金额表示各级相同；最多两位小数）。岗位写党组织书记、居委会主任、"
            "副职或专职工作者，社区类型写城市社区或集镇社区（中英文均可）。每个岗位需有两种社区"
            "类型各一行。可用“名称 | …”一行给标准命名；以 # 开头的行不计。",
            "en": "One line per post and community type: post | community type | the monthly "
            "base pay of levels 1 to 10 in yuan (separated by spaces; one amount means "
            "every level; up to two decimals). Posts: Party secretary, Residents' committee "
            "director, Deputy, Full-time worker; types: city community, town community (in "
            "Chinese or English). Every post needs a line for both types. A line "
            "“Name | …” names the scale; lines starting with # are ignored.",
        },
        parse=parse,
        text=text,
        example=EXAMPLE,
        order=60,
    )
]
