"""Attachments of an application: upload and removal by the applying unit while it is editable, downloads
for staff who see the application and for the experts drawn to review it (audited)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects import selectors, selectors_attachments
from projects.services import application_files
from projects.views.helpers import attach_uploaded, file_response, run_step


@login_required
@require_POST
def attachment_upload(request, pk):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    attach_uploaded(request, lambda uploaded: application_files.application_attachment_add(
        actor=request.user, application=application, uploaded_file=uploaded))
    return redirect("projects:application-detail", application.pk)


@login_required
@require_POST
def attachment_delete(request, pk, attachment_pk):
    application = selectors.application_get_for_user(user=request.user, pk=pk)
    attachment = selectors_attachments.application_attachment_get(user=request.user, pk=pk,
                                                                   attachment_pk=attachment_pk)
    run_step(request, lambda: application_files.application_attachment_delete(
        actor=request.user, application=application, attachment=attachment), _("Attachment removed."))
    return redirect("projects:application-detail", application.pk)


@login_required
@require_GET
def attachment_file(request, pk, attachment_pk):
    """A file of an application the user may read (staff in jurisdiction, the drawn experts); 404 otherwise."""
    attachment = selectors_attachments.application_attachment_get(user=request.user, pk=pk,
                                                                   attachment_pk=attachment_pk)
    response = file_response(attachment)
    application_files.application_attachment_downloaded(actor=request.user, attachment=attachment)
    return response
