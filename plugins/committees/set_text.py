"""A set of committees as text: what a street or district office writes to publish the
committees its communities should set up (core's templates down, kind
``committees.set``), and the text the next version starts from::

    环境管护专委会 | 环境管护 | 3-7 | 小区环境卫生、绿化和垃圾分类的日常管护
    平安建设专委会 | 公共安全 | 5-9
    民意征集专委会 | opinion | 3-5 | 收集居民意见，每季度向居委会报告

One line per committee: its name (at most 60 characters, each name once), its field from
the menu (in Chinese or English as the pages name it, or its code: ``environment``), the
seats as ``minimum-maximum`` (one number: exactly that many) and, optionally, its remit.
Blank lines and lines starting with ``#`` are ignored. The payload is
``{"committees": [{"name", "kind", "min_seats", "max_seats", "remit"}, …]}``.
"""

from __future__ import annotations

import re

from core.plugin_api import BadTemplate, TemplateKind, in_every_language
from plugins.committees.forms import MAX_SEATS
from plugins.committees.i18n import _
from plugins.committees.labels import KIND_LABELS
from plugins.committees.models import KINDS

NAME_MAX = 60  # Committee.name
REMIT_MAX = 4000  # CommitteeForm.remit
MAX_COMMITTEES = 100
_CELLS = re.compile(r"\s*[|｜]\s*")
_SEATS = re.compile(r"^([0-9]{1,3})(?:\s*(?:-|–|—|~|～|至|到)\s*([0-9]{1,3}))?\s*(?:人|名)?$")


def _norm(word: str) -> str:
    return " ".join(word.split()).casefold()


def _kinds() -> dict[str, str]:
    """``{written form: code}``: each field's code and its label in both languages (also
    without a bracketed note or a 专委会 ending)."""
    found: dict[str, str] = {}
    for code in KINDS:
        forms = {code}
        for label in in_every_language(KIND_LABELS[code]).values():
            forms.add(label)
            forms.add(re.split(r"\s*[(（]", label, maxsplit=1)[0])
        forms |= {f + "专委会" for f in forms}
        found.update({_norm(form): code for form in forms if form})
    return found


def _seats(cell: str, number: int) -> tuple[int, int]:
    match = _SEATS.match(cell.strip())
    low = high = None
    if match:
        low = int(match.group(1))
        high = int(match.group(2)) if match.group(2) is not None else low
    if low is None or high is None or not (0 <= low <= high and 1 <= high <= MAX_SEATS):
        raise BadTemplate(
            _("Line %(line)d: write the seats as minimum-maximum, like 3-7 (at most "
              "%(max)d; the minimum not above the maximum).", line=number, max=MAX_SEATS)
        )  # fmt: skip
    return low, high


def parse(text: str) -> dict:
    """The payload of an office's set from its text; ``BadTemplate`` naming the line."""
    kinds = _kinds()
    committees: list[dict] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cells = _CELLS.split(line)
        if len(cells) < 3:
            raise BadTemplate(
                _("Line %(line)d: write the name, the field and the seats (and the remit if "
                  "you like), separated by “|”.", line=number)
            )  # fmt: skip
        name = " ".join(cells[0].split())
        if not name or len(name) > NAME_MAX:
            raise BadTemplate(
                _("Line %(line)d: a committee's name has 1 to %(max)d characters.",
                  line=number, max=NAME_MAX)
            )  # fmt: skip
        if _norm(name) in seen:
            raise BadTemplate(
                _("Line %(line)d: “%(name)s” is named already on line %(first)d.",
                  line=number, name=name, first=seen[_norm(name)])
            )  # fmt: skip
        seen[_norm(name)] = number
        kind = kinds.get(_norm(cells[1]))
        if kind is None:
            raise BadTemplate(
                _("Line %(line)d: “%(word)s” is not a field of the menu (%(kinds)s).",
                  line=number, word=cells[1],
                  kinds="、".join(str(label) for label in KIND_LABELS.values()))
            )  # fmt: skip
        low, high = _seats(cells[2], number)
        remit = " | ".join(cells[3:]).strip()
        if len(remit) > REMIT_MAX:
            raise BadTemplate(
                _("Line %(line)d: the remit is longer than %(max)d characters.",
                  line=number, max=REMIT_MAX)
            )  # fmt: skip
        committees.append(
            {"name": name, "kind": kind, "min_seats": low, "max_seats": high, "remit": remit}
        )
        if len(committees) > MAX_COMMITTEES:
            raise BadTemplate(
                _("Line %(line)d: a set has at most %(max)d committees.",
                  line=number, max=MAX_COMMITTEES)
            )  # fmt: skip
    if not committees:
        raise BadTemplate(_("The set names no committee: write one line per committee."))
    return {"committees": committees}


def entries(payload: object) -> list[dict]:
    """The committees of a payload that are whole (a payload is read, never trusted)."""
    rows = payload.get("committees") if isinstance(payload, dict) else None
    found = []
    for row in rows if isinstance(rows, list) else []:
        if not isinstance(row, dict):
            continue
        name, kind = row.get("name"), row.get("kind")
        low, high = row.get("min_seats"), row.get("max_seats")
        if (
            isinstance(name, str) and 0 < len(name) <= NAME_MAX and kind in KINDS
            and type(low) is int and type(high) is int and 0 <= low <= high
            and 1 <= high <= MAX_SEATS
        ):  # fmt: skip
            remit = row.get("remit") if isinstance(row.get("remit"), str) else ""
            found.append({"name": name, "kind": kind, "min_seats": low, "max_seats": high,
                          "remit": remit[:REMIT_MAX]})  # fmt: skip
    return found


def text(payload: dict) -> str:
    """The text of a payload, in the reader's language (``parse`` reads it back)."""
    lines = []
    for row in entries(payload):
        cells = [row["name"], str(KIND_LABELS[row["kind"]]),
                 f"{row['min_seats']}-{row['max_seats']}"]  # fmt: skip
        remit = " ".join(row["remit"].split())
        if remit:
            cells.append(remit)
        lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


EXAMPLE = """环境管护专委会 | 环境管护 | 3-7 | 小区环境卫生、绿化和垃圾分类的日常管护
平安建设专委会 | 公共安全 | 5-9 | 巡查、矛盾纠纷排查和安全宣传
民意征集专委会 | 民意征集 | 3-5 | 收集居民意见，每季度向居委会报告
法律咨询专委会 | 法律咨询 | 2-5
"""

KINDS_OF_TEMPLATES = [
    TemplateKind(
        "committees.set",
        {"zh_Hans": "专委会设置", "en": "Set of committees"},
        {
            "zh_Hans": "每个专委会一行：名称 | 类别 | 人数下限-上限 | 职责（可不写）。"
            "名称不超过 60 字且不重复；类别写菜单中的名称（环境管护、公共安全、民意征集、"
            "法律咨询、社会救助、老幼照理、关心关爱青少年、其他，中英文均可）；"
            "人数如 3-7，只写一个数表示固定人数。以 # 开头的行不计。"
            "社区采用时只新建尚未设立的专委会，已有的同名专委会保持社区自己的设置。",
            "en": "One line per committee: name | field | seats minimum-maximum | remit "
            "(optional). Names have at most 60 characters, each once; the field is one of "
            "the menu (Environment care, Public safety, Opinion collection, Legal advice, "
            "Social assistance, Care for old and young, Youth care, Other; in Chinese or "
            "English); seats like 3-7, one number for exactly that many. Lines starting "
            "with # are ignored. A community adopting the set gets only the committees it "
            "does not have yet; those of the same name stay as the community set them.",
        },
        parse=parse,
        text=text,
        example=EXAMPLE,
        order=35,
    )
]
