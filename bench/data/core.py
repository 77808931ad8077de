"""Core's part: communities, users, memberships, and every installed plugin switched on.

People come in contiguous id blocks, one block per community (admin, four staff, then
residents), so a part can pick a community's people by arithmetic instead of a query.
"""

from __future__ import annotations

from datetime import timedelta

from bench.data import LARGE, PASSWORD, Community, Platform, email

STREETS = ("河运路", "天星桥", "石桥铺", "渝州路", "大坪", "东城", "南坪", "杨家坪", "观音桥")


def _password_hash() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)  # once: a million hashes would take hours


def plan(platform: Platform) -> list[Community]:
    """Communities and their blocks of users; the first is the large one."""
    scale = platform.scale
    others = scale.communities - 1
    rest = scale.users - scale.large_members
    communities = [Community(1, LARGE, scale.large_households, 1, scale.large_members)]
    next_user = 1 + scale.large_members
    for index in range(others):
        users = rest // others + (1 if index < rest % others else 0)
        households = 1_000 + platform.rng.randrange(0, 5_000)
        communities.append(Community(index + 2, f"c{index + 1:04d}", households, next_user, users))
        next_user += users
    return communities


def generate(platform: Platform) -> None:
    platform.communities = plan(platform)
    created = platform.now - timedelta(days=3 * 365)
    platform.insert(
        "tenants",
        (
            "id",
            "slug",
            "name_zh",
            "name_en",
            "kind",
            "households",
            "timezone",
            "default_locale",
            "open_registration",
            "created_at",
        ),
        (
            (
                c.id,
                c.slug,
                f"{STREETS[c.id % len(STREETS)]}第{c.id}社区",
                f"Community {c.id}",
                "urban" if c.id % 5 else "rural",
                c.households,
                "Asia/Shanghai",
                "zh_Hans",
                True,
                created,
            )
            for c in platform.communities
        ),
    )
    password_hash = _password_hash()

    def people():
        for c in platform.communities:
            yield c.admin_id, email(c.slug, "admin"), f"{c.slug} 书记"
            for k, user_id in enumerate(c.staff_ids, start=1):
                yield user_id, email(c.slug, f"staff{k}"), f"{c.slug} 社工{k}"
            for user_id in c.member_ids:
                yield user_id, email(c.slug, f"resident{user_id}"), f"居民{user_id}"

    platform.insert(
        "users",
        ("id", "email", "name", "password_hash", "is_operator", "locale", "created_at"),
        (
            (user_id, address, name, password_hash, False, None, created)
            for user_id, address, name in people()
        ),
    )

    def memberships():
        for c in platform.communities:
            yield c.admin_id, c.id, c.admin_id, "admin"
            for user_id in c.staff_ids:
                yield user_id, c.id, user_id, "staff"
            for user_id in c.member_ids:
                yield user_id, c.id, user_id, "member"

    platform.insert(
        "tenant_memberships",
        ("id", "tenant_id", "user_id", "role", "extra_roles", "created_at"),
        ((mid, tid, uid, role, [], created) for mid, tid, uid, role in memberships()),
    )
    plugin_ids = sorted(platform.plugins)
    platform.insert(
        "tenant_plugins",
        ("tenant_id", "plugin_id", "enabled", "settings", "updated_at"),
        ((c.id, pid, True, {}, created) for c in platform.communities for pid in plugin_ids),
    )
