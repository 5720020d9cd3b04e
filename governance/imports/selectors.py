"""Reads of import jobs: the history of an importer and the access function of one job."""

from __future__ import annotations

from django.db.models import QuerySet

from governance.imports.importer import importers_for_user
from governance.models import ImportJob
from governance.models.accounts import Role
from governance.selectors import get_object_for_user_or_404, user_roles


def import_job_list(*, user, importer: str | None = None) -> QuerySet[ImportJob]:
    """Jobs of the importers the user may use: their own, or every one of the tenant for a tenant admin."""
    if not getattr(user, "pk", None):
        return ImportJob.objects.none()
    allowed = [item.key for item in importers_for_user(user)]
    if importer is not None:
        allowed = [key for key in allowed if key == importer]
    if not allowed:
        return ImportJob.objects.none()
    queryset = ImportJob.objects.filter(importer__in=allowed).select_related("created_by")
    if Role.TENANT_ADMIN not in user_roles(user):
        queryset = queryset.filter(created_by_id=user.pk)
    return queryset.order_by("-created_at", "-id")


def import_job_get_for_user(*, user, pk) -> ImportJob:
    return get_object_for_user_or_404(import_job_list(user=user), pk=pk)
