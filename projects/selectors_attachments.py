"""Reads of application attachments: who may see an application's files.

Staff see them with the application (the applying unit's or the program owner's jurisdiction); a drawn
expert sees the files of the applications they were assigned (not after recusing). Everyone else, and
every other tenant, gets a 404 for the application and its files alike.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from governance.selectors import get_object_for_user_or_404
from projects.models import Application, ApplicationAttachment, AssignmentStatus, ReviewAssignment
from projects.permissions import is_expert
from projects.selectors import _visible_applications


def _file_readers_applications(user) -> QuerySet[Application]:
    staff = _visible_applications(user)
    if not is_expert(user) or not getattr(user, "pk", None):
        return staff
    assigned = (ReviewAssignment.objects.filter(expert__user_id=user.pk).exclude(status=AssignmentStatus.RECUSED)
                .values("application_id"))
    return Application.objects.filter(Q(pk__in=staff.values("pk")) | Q(pk__in=assigned))


def attachment_application_get(*, user, pk) -> Application:
    """The application whose files the user may read (404 otherwise)."""
    return get_object_for_user_or_404(_file_readers_applications(user).select_related("region"), pk=pk)


def application_attachment_list(*, application: Application) -> QuerySet[ApplicationAttachment]:
    """The files of an application the caller already got through an access function."""
    return (ApplicationAttachment.objects.filter(application=application).select_related("uploaded_by")
            .order_by("id"))


def application_attachment_get(*, user, pk, attachment_pk) -> ApplicationAttachment:
    """One file of an application the user may read (404 for a file of another application or no access)."""
    application = attachment_application_get(user=user, pk=pk)
    attachment = get_object_for_user_or_404(application_attachment_list(application=application), pk=attachment_pk)
    attachment.application = application
    return attachment
