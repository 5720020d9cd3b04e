"""Shared bits of the project pages."""

from __future__ import annotations

from functools import cache

from django.utils.text import capfirst

from governance.selectors import user_regions
from governance.web import require_or_404 as require  # noqa: F401  (re-exported)
from projects.permissions import APPLY_ROLES, PROGRAM_ROLES

STAFF_LIST_SIZE = 25


@cache
def labels(model) -> dict:
    return {f.name: capfirst(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}


def run_step(request, run, done: str) -> bool:
    """Run a service call; its errors become an error message, success the message ``done``."""
    from django.contrib import messages

    from governance.web import service_errors

    with service_errors(request) as outcome:
        run()
    if outcome.ok:
        messages.success(request, done)
    return outcome.ok


def attach_uploaded(request, add) -> None:
    """``add(uploaded_file)`` with the request's ``file``, or "choose a file" when none was sent."""
    from django.contrib import messages
    from django.utils.translation import gettext as _

    uploaded = request.FILES.get("file")
    if uploaded is None:
        messages.error(request, _("Choose a file."))
    else:
        run_step(request, lambda: add(uploaded), _("File attached."))


def serve_file(files, pk):
    """The file row ``pk`` of ``files`` (a queryset already scoped by its parent's access check: a bid's
    attachments, a report's evidence) as a download; 404 when it is not there. Never served as public media."""
    return file_response(files.filter(pk=pk).first())


def file_response(row, content_type: str | None = None):
    """A file row the caller's access check already returned, as a download (404 when its file is gone);
    ``content_type`` overrides the type guessed from the name (the API documents one binary type)."""
    from django.http import FileResponse, Http404

    if row is None or not row.file:
        raise Http404
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=row.name, content_type=content_type)


def program_regions(user):
    """Regions where the user may own a program or keep an expert pool (their subtrees' roots and below)."""
    return _subtree_regions(user, PROGRAM_ROLES)


def apply_regions(user):
    return _subtree_regions(user, APPLY_ROLES)


def _subtree_regions(user, roles):
    from django.db.models import Q

    from governance.models import Region
    from governance.models.regions import RegionLevel

    condition = Q()
    roots = list(user_regions(user, roles))
    if not roots:
        return Region.objects.none()
    for root in roots:
        condition |= Q(path__startswith=root.path)
    # Streets and communities own programs and apply; grids below them do not.
    return Region.objects.filter(condition, level__lte=RegionLevel.COMMUNITY).order_by("path")
