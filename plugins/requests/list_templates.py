"""The responsibility list as an office's template (templates down): a street or district
office writes its list as text, its communities adopt it here and adapt it locally
("drafted from a district template, adapted locally").

A line is ``name | kind | default owner | keywords``; the kind is red / orange / yellow
(or 红 / 橙 / 黄, 大事 / 小事 / 私事). Adopting adds the categories a community lacks and
never changes one it has: what it already adapted stays its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.plugin_api import BadTemplate, TemplateKind, TemplateVersion, current_locale, db
from plugins.requests.i18n import _
from plugins.requests.models import KINDS, Category

PLUGIN, KIND = "requests", "responsibilities"
MAX_LINES = 300
KIND_WORDS = {
    "red": "red", "红": "red", "大事": "red",
    "orange": "orange", "橙": "orange", "小事": "orange",
    "yellow": "yellow", "黄": "yellow", "私事": "yellow",
}  # fmt: skip
ZH_KIND = {"red": "红", "orange": "橙", "yellow": "黄"}
EXAMPLE = """餐饮油烟 | 红 | 区生态环境局 | 油烟,排烟
楼道杂物 | 橙 | 楼栋长 | 杂物,堆放
家电维修 | 黄 | 便民服务目录 | 维修,空调"""


def parse(text: str) -> dict:
    """The office's text as ``{"categories": [{name, kind, owner, keywords}, …]}``;
    ``BadTemplate`` names the first line that cannot be used."""
    categories: list[dict] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) < 2 or len(parts) > 4:
            raise BadTemplate(_("Line %(n)d: write name | kind | owner | keywords.", n=number))
        name, kind_word, owner, keywords = (parts + ["", ""])[:4]
        kind = KIND_WORDS.get(kind_word.lower())
        if not name or len(name) > 60:
            raise BadTemplate(_("Line %(n)d: a name of 1 to 60 characters.", n=number))
        if kind not in KINDS:
            raise BadTemplate(_("Line %(n)d: the kind is red, orange or yellow.", n=number))
        if len(owner) > 120 or len(keywords) > 200:
            raise BadTemplate(_("Line %(n)d: the owner or the keywords are too long.", n=number))
        if name in seen:
            raise BadTemplate(_("Line %(n)d: “%(name)s” is listed twice.", n=number, name=name))
        seen.add(name)
        categories.append({"name": name, "kind": kind, "owner": owner, "keywords": keywords})
    if not categories:
        raise BadTemplate(_("The list has no category: write one line for each."))
    if len(categories) > MAX_LINES:
        raise BadTemplate(_("At most %(n)d categories.", n=MAX_LINES))
    return {"categories": categories}


def text(payload: dict) -> str:
    """A payload back as lines, kinds in the reader's words."""
    zh = current_locale() != "en"
    return "\n".join(
        " | ".join([c["name"], ZH_KIND[c["kind"]] if zh else c["kind"], c["owner"], c["keywords"]])
        for c in payload.get("categories", [])
    )


def template_kind() -> TemplateKind:
    return TemplateKind(
        f"{PLUGIN}.{KIND}",
        {"zh_Hans": "三事分流责任清单", "en": "Responsibility list (three-matters triage)"},
        {
            "zh_Hans": "每行一个类别：名称 | 类别（红、橙、黄，即大事、小事、私事）| 默认责任方 | "
            "关键词（逗号分隔）。社区采用后可自行调整，已有的类别不会被改动。",
            "en": "One category a line: name | kind (red, orange or yellow: major, community "
            "or private matter) | default owner | keywords (comma-separated). Communities "
            "adopt it and adapt it; a category they already have is never changed.",
        },
        parse=parse,
        text=text,
        example=EXAMPLE,
        order=10,
    )


@dataclass(frozen=True)
class Plan:
    """What adopting a template does to the community's list."""

    added: list[dict]  # the template's categories the community lacks: created
    kept: list[str]  # names it has already: left as the community has them


@dataclass(frozen=True)
class Differences:
    """The community's list against the template it adopted: its local adaptations."""

    own: list[str]  # categories the template does not have
    changed: list[str]  # in both, with another kind or owner here
    dropped: list[str]  # in the template, switched off or deleted here

    @property
    def count(self) -> int:
        return len(self.own) + len(self.changed) + len(self.dropped)


def _ours() -> dict[str, Category]:
    return {c.name: c for c in db.session.execute(db.select(Category)).scalars()}


def plan(template: TemplateVersion) -> Plan:
    ours = _ours()
    lines = template.payload["categories"]
    return Plan([c for c in lines if c["name"] not in ours],
                [c["name"] for c in lines if c["name"] in ours])  # fmt: skip


def adopt(template: TemplateVersion) -> Plan:
    """Create the template's categories the community lacks, after its own; the caller
    records the adoption and commits."""
    done = plan(template)
    last = db.session.scalar(db.select(db.func.max(Category.position))) or 0
    for step, line in enumerate(done.added, start=1):
        db.session.add(Category(name=line["name"], kind=line["kind"], owner=line["owner"],
                                keywords=line["keywords"], position=last + step * 10))  # fmt: skip
    return done


def differences(template: TemplateVersion) -> Differences:
    ours = _ours()
    lines = {c["name"]: c for c in template.payload["categories"]}
    return Differences(
        own=[n for n, c in ours.items() if n not in lines and c.active],
        changed=[
            n for n, line in lines.items()
            if n in ours and ours[n].active
            and (ours[n].kind, ours[n].owner) != (line["kind"], line["owner"])
        ],
        dropped=[n for n in lines if n not in ours or not ours[n].active],
    )  # fmt: skip
