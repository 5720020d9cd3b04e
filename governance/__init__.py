"""社区治理综合管理平台 — the Django project package and the cross-cutting core."""

from .celery import app as celery_app

__all__ = ("celery_app",)
