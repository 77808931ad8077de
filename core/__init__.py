"""Gongzhi core: the app factory and the platform services plugins build on."""

from core.app import create_app

__all__ = ["create_app"]
