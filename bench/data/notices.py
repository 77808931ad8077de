"""The notices plugin's part: a community's notice board, a few pinned."""

from __future__ import annotations

from datetime import timedelta

from bench.data import Platform

TITLES = (
    "关于开展楼道杂物清理的通知",
    "停水通知：二号加压泵站检修",
    "居民议事会第{n}次会议纪要",
    "社区志愿服务队招募",
    "垃圾分类宣传周活动安排",
    "老年人免费体检预约",
)


def generate(platform: Platform) -> None:
    scale = platform.scale

    def rows():
        for c in platform.communities:
            count = scale.notices_large if c.large else scale.notices_per_community
            for n in range(count):
                created = platform.now - timedelta(hours=(count - n) * 37)
                title = TITLES[n % len(TITLES)].format(n=n + 1)
                body = f"{title}。请各位居民相互转告，如有疑问请联系社区居委会。"
                yield (c.id, title, body, n % 5 != 4, n % 50 == 0, c.admin_id, created, created)

    platform.insert(
        "notices_notice",
        ("tenant_id", "title", "body", "public", "pinned", "author_id", "created_at", "updated_at"),
        rows(),
    )
