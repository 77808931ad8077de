"""Gongzhi core: the app factory and the platform services plugins build on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so that importing a lower floor (core.extensions, core.services) does not load
    # the app and with it the plugin machinery: tenants/ must not know plugins.
    if name == "create_app":
        from core.app import create_app

        return create_app
    raise AttributeError(f"module 'core' has no attribute {name!r}")
