"""Leaving the serious dishonesty list (移出严重违法失信名单, MCA Order 60): the organization applies, staff decide.

The conditions are those of ``credit.serious_removal_check`` (two full years after the organization's
latest serious listing with no new listing; for entries moved from the abnormal list, the obligation
fulfilled), checked when the organization applies and again when staff approve.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.exceptions import ApplicationError, ConflictError
from governance.notifications import platform_language
from governance.tenancy import actor_or_none
from orgs import notifications
from orgs.models import CreditExitApplication, CreditExitStatus, CreditList, CreditRecord
from orgs.permissions import can_apply_credit_exit, can_decide_credit_exit
from orgs.services.credit import _lock_record, credit_remove, serious_removal_check
from orgs.workflows import CREDIT_EXIT_WORKFLOW

REMOVAL_EXIT_APPROVED = gettext_lazy("application to leave the serious list approved")


def _already_pending(application: CreditExitApplication) -> ConflictError:
    return ConflictError(
        _("An application to leave the serious list for this entry was made on %(date)s and awaits the "
          "decision.") % {"date": application.applied_on.isoformat()},
        extra={"application": application.pk},
    )


@transaction.atomic
def credit_exit_apply(*, actor, record: CreditRecord, statement: str = "") -> CreditExitApplication:
    """The organization applies to leave the serious list for ``record``, today (the server's date).

    Refused, with the reason, when the entry is not an open serious-list entry, an application already
    awaits the decision, the two years are not over (with the date it becomes possible) or a moved
    entry's obligation is unfulfilled (with the entries).
    """
    if not can_apply_credit_exit(actor, record):
        raise ApplicationError(_("You may not apply for the removal of this entry."))
    statement = (statement or "").strip()
    today = timezone.localdate()
    # One after the other per entry: the second of two parallel applications sees the first.
    _lock_record(record)
    if record.list_type != CreditList.SERIOUS:
        raise ConflictError(_("Only an entry on the serious dishonesty list is left by this application."))
    if record.removed_on is not None:
        raise ConflictError(_("This entry has already been removed."))
    pending = CreditExitApplication.objects.filter(record=record, status=CreditExitStatus.PENDING).first()
    if pending is not None:
        raise _already_pending(pending)
    serious_removal_check(record, today)
    application = CreditExitApplication(
        tenant_id=record.tenant_id, organization_id=record.organization_id, record=record, statement=statement,
        applied_on=today, applied_by=actor_or_none(actor),
    )
    application.organization = record.organization
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # a parallel request won between the check and the insert
        raise _already_pending(CreditExitApplication.objects.get(record=record, status=CreditExitStatus.PENDING)
                               ) from exc
    CREDIT_EXIT_WORKFLOW.start(obj=application, actor=actor,
                               changes={"record": record.pk, "applied_on": today, "statement": statement})
    notifications.credit_exit_to_decide(application=application, actor=actor)
    return application


@transaction.atomic
def credit_exit_decide(*, actor, application: CreditExitApplication, approve: bool,
                       note: str = "") -> CreditExitApplication:
    """Staff approve (the entry is removed today, the conditions checked again) or refuse (with a reason)."""
    if not can_decide_credit_exit(actor, application):
        raise ApplicationError(_("You may not decide on the credit lists of this organization."))
    note = (note or "").strip()
    if not approve and not note:
        raise ApplicationError(_("Please give a reason."), extra={"field": "note"})
    # The workflow locks the row and refuses an application decided meanwhile.
    CREDIT_EXIT_WORKFLOW.transition(
        obj=application, actor=actor, note=note,
        to=CreditExitStatus.APPROVED if approve else CreditExitStatus.REJECTED,
        fields={"decided_by_id": getattr(actor_or_none(actor), "pk", None), "decided_at": timezone.now(),
                "decision_note": note},
    )
    if approve:
        record = CreditRecord.objects.select_related("organization__region").get(pk=application.record_id)
        with platform_language():
            reason = str(REMOVAL_EXIT_APPROVED) + (f": {note}" if note else "")
        # Removal by the same rules as a staff removal (and its audit event and notification): a listing
        # made since the application is refused here, and nothing of the decision is kept.
        credit_remove(actor=actor, record=record, removed_on=timezone.localdate(), reason=reason)
        application.record = record
    else:
        notifications.credit_exit_refused(application=application, actor=actor)
    return application
