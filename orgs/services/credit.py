"""Credit lists (信用名单) by staff decision: listing, removal, rectification."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from governance.audit import audit_record, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none
from governance.workflows import lock_row
from orgs import notifications, signals
from orgs.models import (
    ABNORMAL_REASONS,
    NO_RECTIFICATION_REASONS,
    SERIOUS_REASONS,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    Organization,
    OrgStatus,
    ReportStatus,
)
from orgs.permissions import can_apply_rectification, can_manage_credit
from orgs.services._common import _as_date, _not_in_future, _required_text
from orgs.services.list_flags import organization_refresh_flags

SERIOUS_REMOVAL_YEARS = 2


def _lock_record(record: CreditRecord) -> CreditRecord:
    return lock_row(record, "removed_on", "rectification_applied_on", "rectification_verified_on", "moved_to_id")


@transaction.atomic
def credit_add(*, actor, organization: Organization, list_type: str, reason: str, listed_on,
               decision_number: str = "", note: str = "") -> CreditRecord:
    """Put an organization on a credit list by a staff decision."""
    if not can_manage_credit(actor, organization):
        raise ApplicationError(_("You may not manage the credit lists of this organization."))
    errors: dict[str, list[str]] = {}
    if list_type not in CreditList.values:
        errors["list_type"] = [_("Choose a credit list.")]
    else:
        allowed = ABNORMAL_REASONS if list_type == CreditList.ABNORMAL else SERIOUS_REASONS
        if reason not in allowed:
            errors["reason"] = [_("This reason does not lead to the %(list)s.")
                                % {"list": CreditList(list_type).label}]
    if errors:
        raise ValidationError(errors)
    listed_on = _as_date(listed_on, "listed_on")
    _not_in_future(listed_on, "listed_on")
    if reason == CreditReason.ABNORMAL_TWO_YEARS:
        # Taken in turn with the daily job's move (which locks the same row); full_clean() then refuses a
        # second open entry for this reason with the constraint's message.
        lock_row(organization)
    record = CreditRecord(
        tenant_id=organization.tenant_id, organization=organization, list_type=list_type, reason=reason,
        source=CreditSource.MANUAL, listed_on=listed_on, decision_number=(decision_number or "").strip(),
        note=(note or "").strip(), created_by=actor_or_none(actor),
    )
    record.full_clean()
    record.save()
    audit_record(actor=actor, action="credit.add", obj=record, changes=snapshot(record))
    organization_refresh_flags(org_ids=[record.organization_id])
    signals.send_credit_listed([record], actor=actor)
    notifications.credit_listed(records=[record], actor=actor)
    return record


def serious_latest_listing(organization_id: int) -> datetime.date | None:
    """The organization's latest listing on the serious list (per organization, any of its entries).

    A serious entry's listing date, or the day abnormal entries were moved onto an open serious entry
    (a second two-year stretch while the first move is still listed): both are new listings.
    """
    dates = CreditRecord.objects.filter(organization_id=organization_id).aggregate(
        listed=Max("listed_on", filter=Q(list_type=CreditList.SERIOUS)),
        moved=Max("removed_on", filter=Q(moved_to__isnull=False)),
    )
    return max((day for day in dates.values() if day is not None), default=None)


def unfulfilled_obligations(record: CreditRecord) -> list[CreditRecord]:
    """Entries moved onto the serious ``record`` whose obligation is not fulfilled yet.

    Fulfilled: the rectification was verified, the reason needs none (a warning), or the overdue annual
    report of the entry has been reviewed (the daily job records it as verified; counted at once here).
    """
    return list(
        CreditRecord.objects.filter(moved_to=record, rectification_verified_on__isnull=True)
        .exclude(reason__in=NO_RECTIFICATION_REASONS)
        .exclude(annual_report__status=ReportStatus.REVIEWED)
        .order_by("listed_on", "id")
    )


def serious_removal_check(record: CreditRecord, on_date: datetime.date) -> None:
    """Raise why ``record`` may not leave the serious list on ``on_date`` (MCA Order 60), else return.

    Two full calendar years after the organization's latest serious listing with no new listing; for an
    entry moved from the abnormal list, every moved entry's obligation fulfilled; an entry for revoked
    registration leaves only on deregistration. A refusal is a conflict with the entry's state (409): the
    same request succeeds once the date has come or the obligation is fulfilled.
    """
    org = Organization.unscoped.get(pk=record.organization_id)
    if record.reason == CreditReason.REGISTRATION_REVOKED:
        if org.status != OrgStatus.DEREGISTERED:
            raise ConflictError(_("An entry for revoked registration is removed only when the organization "
                                  "is deregistered."))
        return
    latest = serious_latest_listing(org.pk) or record.listed_on
    earliest = latest + relativedelta(years=SERIOUS_REMOVAL_YEARS)
    if on_date < earliest:
        raise ConflictError(
            _("Removal from the serious list is possible from %(date)s: two full years after the latest "
              "listing (%(listed)s) with no new listing.") % {"date": earliest.isoformat(),
                                                              "listed": latest.isoformat()},
            extra={"earliest": earliest.isoformat()},
        )
    unfulfilled = unfulfilled_obligations(record)
    if unfulfilled:
        entries = "、".join(_("%(reason)s (listed on %(date)s)") % {
            "reason": entry.get_reason_display(), "date": entry.listed_on.isoformat()} for entry in unfulfilled)
        raise ConflictError(
            _("The obligation that led to the abnormal list is not fulfilled yet: %(entries)s. File the overdue "
              "annual report and have it reviewed, or complete the rectification and have it verified.")
            % {"entries": entries},
            extra={"unfulfilled": [entry.pk for entry in unfulfilled]},
        )


def _check_serious_removal(record: CreditRecord, removed_on: datetime.date) -> None:
    serious_removal_check(record, removed_on)


@transaction.atomic
def credit_remove(*, actor, record: CreditRecord, removed_on, reason: str) -> CreditRecord:
    """Take an entry off its list by a staff decision, respecting the serious list's removal rules."""
    if not can_manage_credit(actor, record.organization):
        raise ApplicationError(_("You may not manage the credit lists of this organization."))
    reason = _required_text(reason, "reason")
    removed_on = _as_date(removed_on, "removed_on")
    _not_in_future(removed_on, "removed_on")
    _lock_record(record)
    if record.removed_on is not None:
        raise ApplicationError(_("This entry has already been removed."))
    if removed_on < record.listed_on:
        raise ValidationError({"removed_on": [_("The removal cannot precede the listing.")]})
    if record.list_type == CreditList.SERIOUS:
        _check_serious_removal(record, removed_on)
    record.removed_on = removed_on
    record.removal_reason = reason
    record.removed_by = actor_or_none(actor)
    record.save(update_fields=["removed_on", "removal_reason", "removed_by"])
    audit_record(actor=actor, action="credit.remove", obj=record,
                 changes={"removed_on": removed_on, "removal_reason": reason})
    organization_refresh_flags(org_ids=[record.organization_id])
    notifications.credit_removed(records=[record], actor=actor)
    return record


def _check_rectifiable(record: CreditRecord) -> None:
    if record.list_type != CreditList.ABNORMAL or record.reason in NO_RECTIFICATION_REASONS:
        raise ApplicationError(_("This entry needs no rectification."))
    # An entry moved to the serious list stays rectifiable: removal from there requires it.
    if record.removed_on is not None and record.moved_to_id is None:
        raise ApplicationError(_("This entry has already been removed."))
    if record.rectification_verified_on is not None:
        raise ApplicationError(_("The rectification has already been verified."))


@transaction.atomic
def credit_apply_rectification(*, actor, record: CreditRecord, applied_on) -> CreditRecord:
    """The organization reports that it fulfilled the obligation and applies for removal."""
    if not can_apply_rectification(actor, record):
        raise ApplicationError(_("You may not apply for the removal of this entry."))
    applied_on = _as_date(applied_on, "applied_on")
    _not_in_future(applied_on, "applied_on")
    _lock_record(record)
    _check_rectifiable(record)
    if record.rectification_applied_on is not None:
        raise ApplicationError(_("Removal has already been applied for."))
    if applied_on < record.listed_on:
        raise ValidationError({"applied_on": [_("The application cannot precede the listing.")]})
    record.rectification_applied_on = applied_on
    record.save(update_fields=["rectification_applied_on"])
    audit_record(actor=actor, action="credit.apply_rectification", obj=record,
                 changes={"rectification_applied_on": applied_on})
    return record


@transaction.atomic
def credit_verify_rectification(*, actor, record: CreditRecord, verified_on) -> CreditRecord:
    """Staff confirm the rectification; the next daily run removes the entry."""
    if not can_manage_credit(actor, record.organization):
        raise ApplicationError(_("You may not manage the credit lists of this organization."))
    verified_on = _as_date(verified_on, "verified_on")
    _not_in_future(verified_on, "verified_on")
    _lock_record(record)
    _check_rectifiable(record)
    if record.rectification_applied_on is None:
        raise ApplicationError(_("The organization has not applied for removal yet."))
    if verified_on < record.rectification_applied_on:
        raise ValidationError({"verified_on": [_("The verification cannot precede the application.")]})
    record.rectification_verified_on = verified_on
    record.save(update_fields=["rectification_verified_on"])
    audit_record(actor=actor, action="credit.verify_rectification", obj=record,
                 changes={"rectification_verified_on": verified_on})
    return record
