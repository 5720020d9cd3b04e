"""Attachments (申报附件) of an application: added and removed while it is a draft or returned, downloads audited.

The checks of an upload live in ``check_upload`` so a file is refused for the same reasons wherever it is
attached: a known extension, at most 10 MB, not empty, a name without control characters, and content
that starts the way a file of that type starts (a renamed executable or a truncated upload is refused).
"""

from __future__ import annotations

import os
import unicodedata
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row
from projects.models import Application, ApplicationAttachment, ApplicationStatus
from projects.permissions import can_edit_application

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 20
# The first bytes of each allowed type (Office 2007+ files are ZIP archives, older ones OLE2 compound files).
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
ATTACHMENT_EXTENSIONS = frozenset(SIGNATURES)
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


def _clean_name(raw) -> str:
    name = os.path.basename(str(raw or "").replace("\\", "/")).strip()
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in name):
        return ""
    return name


def check_upload(uploaded_file, *, field: str = "file") -> str:
    """The file's clean name, or a ValidationError on ``field`` saying each thing wrong with it."""
    if uploaded_file is None or not hasattr(uploaded_file, "read"):
        raise ValidationError({field: [_("Choose a file.")]})
    name = _clean_name(getattr(uploaded_file, "name", ""))
    if not name:
        raise ValidationError({field: [_("The file name is empty or contains control characters.")]})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    size = getattr(uploaded_file, "size", 0) or 0
    errors = []
    if extension not in ATTACHMENT_EXTENSIONS:
        errors.append(_("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(ATTACHMENT_EXTENSIONS))})
    if size > MAX_ATTACHMENT_BYTES:
        errors.append(_("A file may be at most 10 MB."))
    elif size == 0:
        errors.append(_("The file is empty."))
    elif extension in SIGNATURES:
        uploaded_file.seek(0)
        head = uploaded_file.read(16)
        uploaded_file.seek(0)
        if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
            errors.append(_("The file's content is not a %(type)s file; it may be damaged or renamed.")
                          % {"type": extension.upper()})
    if errors:
        raise ValidationError({field: errors})
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = f"{stem[:200 - len(ext) - 1]}{dot}{ext}"
    return name


def _editable(actor, application: Application) -> None:
    if not can_edit_application(actor, application):
        raise ApplicationError(_("You may not change this application."))
    lock_row(application, "status")
    if application.status not in EDITABLE:
        raise ConflictError(_("Attachments can be added or removed only while the application is a draft or "
                              "returned for revision."))


@transaction.atomic
def application_attachment_add(*, actor, application: Application, uploaded_file) -> ApplicationAttachment:
    """Attach a file (PDF, image, Word or Excel, at most 10 MB, 20 per application) to an editable application."""
    require_tenant(application.tenant)
    name = check_upload(uploaded_file)
    _editable(actor, application)
    files = ApplicationAttachment.objects.filter(application=application)
    if files.count() >= MAX_ATTACHMENTS:
        raise ApplicationError(_("An application has at most %(n)s attachments.") % {"n": MAX_ATTACHMENTS},
                               extra={"field": "file"})
    if files.filter(name=name).exists():
        raise ConflictError(_("A file named %(name)s is already attached; remove it first to replace it.")
                            % {"name": name}, extra={"field": "file"})
    # Stored under a random name (the shown name may be long or contain anything a file system dislikes).
    uploaded_file.name = f"{uuid.uuid4().hex}.{name.rsplit('.', 1)[-1].lower()}"
    attachment = ApplicationAttachment(tenant_id=application.tenant_id, application=application, file=uploaded_file,
                                       name=name, uploaded_by=actor_or_none(actor))
    attachment.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            attachment.save()
    except IntegrityError as exc:  # the same name attached by a parallel request (the unique constraint)
        raise ConflictError(_("A file named %(name)s is already attached; remove it first to replace it.")
                            % {"name": name}, extra={"field": "file"}) from exc
    audit_record(actor=actor, action="application.attachment_add", obj=application,
                 changes={"attachment": attachment.pk, "name": name, "size": uploaded_file.size})
    return attachment


@transaction.atomic
def application_attachment_delete(*, actor, application: Application, attachment: ApplicationAttachment) -> None:
    """Remove an attachment of an editable application (the file goes once the transaction commits)."""
    require_tenant(application.tenant)
    if attachment.application_id != application.pk:
        raise ApplicationError(_("This file is not attached to this application."))
    _editable(actor, application)
    deleted, _rows = ApplicationAttachment.objects.filter(pk=attachment.pk).delete()
    if not deleted:
        raise ConflictError(_("This file was already removed."))
    audit_record(actor=actor, action="application.attachment_delete", obj=application,
                 changes={"attachment": attachment.pk, "name": attachment.name})
    storage, path = attachment.file.storage, attachment.file.name
    if path:
        transaction.on_commit(lambda: storage.delete(path))


@transaction.atomic
def application_attachment_downloaded(*, actor, attachment: ApplicationAttachment) -> None:
    """Record who downloaded an attachment (called by the download views after the access check)."""
    require_tenant(attachment.tenant)
    audit_record(actor=actor, action="application.attachment_download", obj=attachment.application,
                 changes={"attachment": attachment.pk, "name": attachment.name})


__all__ = ["ATTACHMENT_EXTENSIONS", "MAX_ATTACHMENTS", "MAX_ATTACHMENT_BYTES", "application_attachment_add",
           "application_attachment_delete", "application_attachment_downloaded", "check_upload"]
