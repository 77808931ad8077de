"""Configuration from the environment (12-factor). See docs/operations.md."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_CACHE = "core.services.shared_cache.ResilientRedisCache"


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    return default if raw is None else raw.strip().lower() in {"1", "true", "yes", "on"}


def from_environment() -> dict:
    instance = Path(os.environ.get("GONGZHI_INSTANCE", ROOT / "instance"))
    database_url = os.environ.get("DATABASE_URL", f"sqlite:///{instance / 'gongzhi.db'}")
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    redis_url = os.environ.get("REDIS_URL", "")
    debug = _bool("GONGZHI_DEBUG", False)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _dev_secret(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # Redis is an accelerator: while it is unreachable, limits are counted in process
        # (Flask-Limiter logs the switch once and checks Redis again with back-off).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "10 per minute"),
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "20 per hour"),
        # Per account, in the database (core/web/sign_in_throttle.py): this many failures
        # in a row are free, then each locks the account for a wait that doubles.
        "SIGN_IN_FREE_FAILURES": int(os.environ.get("SIGN_IN_FREE_FAILURES", "5")),
        "SIGN_IN_FIRST_WAIT": int(os.environ.get("SIGN_IN_FIRST_WAIT", "30")),
        "SIGN_IN_MAX_WAIT": int(os.environ.get("SIGN_IN_MAX_WAIT", "3600")),
        # Whole request bodies; three photos at the requests plugin's highest setting
        # (20 MB each) still fit. Larger bodies get the 413 page.
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_MB", "64")) * 1024 * 1024,
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        # Shared cache only: a per-process cache could not be invalidated across workers.
        # Without Redis (unset or down) nothing is cached: core/services/shared_cache.py.
        "CACHE_TYPE": REDIS_CACHE if redis_url else "NullCache",
        "CACHE_KEY_PREFIX": "gongzhi:",
        # Kept pages (core/web/page_cache.py): per worker, current by the community's data
        # version; at most this many seconds old (0: off) and this many pages per worker.
        "PAGE_CACHE_SECONDS": int(os.environ.get("PAGE_CACHE_SECONDS", "60")),
        "PAGE_CACHE_ENTRIES": int(os.environ.get("PAGE_CACHE_ENTRIES", "500")),
        "CACHE_NO_NULL_WARNING": True,
        "CACHE_REDIS_URL": redis_url or None,
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not debug),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", not debug),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "PLUGINS_STRICT": _bool("PLUGINS_STRICT", False),
        "PLUGINS_ONLY": _list(os.environ.get("GONGZHI_PLUGINS")),
        "DEFAULT_PLUGINS": _list(os.environ.get("GONGZHI_DEFAULT_PLUGINS")) or ["notices"],
        "TENANT_SUBDOMAINS": _bool("TENANT_SUBDOMAINS", False),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "noreply@gongzhi.local"),
        # The site's address for links in e-mail sent outside a request (scheduled jobs).
        "PUBLIC_URL": os.environ.get("GONGZHI_PUBLIC_URL", ""),
        "INVITATION_DAYS": 14,
        "PASSWORD_RESET_SECONDS": 3600,
        "INSTANCE_DIR": str(instance),
        # Platform billing (docs/billing.md): the operator's Stripe account. Without a
        # secret key billing is off and every module is available to every community.
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET", ""),
        "BILLING_PLANS": _billing_plans(os.environ.get("BILLING_PLANS_FILE")),
        # Days a community keeps modules above its plan after a downgrade, and its paid
        # plan while a payment is past due.
        "BILLING_GRACE_DAYS": int(os.environ.get("BILLING_GRACE_DAYS", "14")),
        "BILLING_PAST_DUE_DAYS": int(os.environ.get("BILLING_PAST_DUE_DAYS", "7")),
    }


def _billing_plans(path: str | None) -> list[dict]:
    """The operator's plans: a TOML file of ``[[plans]]`` tables, else the built-in three
    with their Stripe price ids from ``STRIPE_PRICE_<KEY>_MONTHLY`` / ``_YEARLY``."""
    if path:
        import tomllib

        with open(path, "rb") as fh:
            return list(tomllib.load(fh).get("plans", []))
    plans = [
        {"key": "free", "name_zh": "免费版", "name_en": "Free", "max_modules": 2,
         "default": True},
        {"key": "standard", "name_zh": "标准版", "name_en": "Standard", "monthly_yuan": 199,
         "yearly_yuan": 1990, "max_modules": 5},
        {"key": "premium", "name_zh": "高级版", "name_en": "Premium", "monthly_yuan": 499,
         "yearly_yuan": 4990},
    ]  # fmt: skip
    for plan in plans:
        key = plan["key"].upper()
        plan["stripe_price_monthly"] = os.environ.get(f"STRIPE_PRICE_{key}_MONTHLY", "")
        plan["stripe_price_yearly"] = os.environ.get(f"STRIPE_PRICE_{key}_YEARLY", "")
    return plans


def _list(raw: str | None) -> list[str] | None:
    if not raw:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def _dev_secret(instance: Path) -> str:
    """A per-install random key kept in instance/ so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()
