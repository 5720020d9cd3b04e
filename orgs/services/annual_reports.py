"""Annual reports (年报) and the yearly inspection campaign that opens them."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row, lock_rows
from orgs import notifications
from orgs.models import (
    AnnualReport,
    Conclusion,
    InspectionCampaign,
    ReportAttachment,
    ReportStatus,
)
from orgs.permissions import can_edit_report, can_open_campaign
from orgs.selectors import campaign_organizations_missing_report
from orgs.services._common import _as_date, _reject_unknown_fields
from orgs.workflows import REPORT_WORKFLOW

REPORT_FIELDS = (
    "income_government", "income_donations", "income_dues", "income_services", "income_other", "spending",
    "net_assets", "activities_summary", "party_building_report",
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"})


@transaction.atomic
def campaign_open(*, actor, year: int, due_date) -> InspectionCampaign:
    """Open the year's campaign and a report for every active organization of the actor's jurisdiction
    lacking one (idempotent; the whole tenant when ``actor`` is None, e.g. the scheduled task).

    An existing campaign for the year is reused with its own due date. Organizations registered after
    the year ended get no report for it. ``campaign.reports_opened`` tells how many reports were added.
    """
    tenant = require_tenant()
    if actor is not None and not can_open_campaign(actor):
        raise ApplicationError(_("You may not open annual report campaigns."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("Enter a valid year.")]}) from None
    due_date = _as_date(due_date, "due_date")
    campaign = next(iter(lock_rows(InspectionCampaign.objects.filter(year=year))), None)
    created = campaign is None
    if created:
        campaign = InspectionCampaign(tenant_id=tenant.pk, year=year, due_date=due_date,
                                      opened_by=actor_or_none(actor))
        campaign.full_clean()
        campaign.save()
    # Only the actor's jurisdiction: a street clerk opens their street's reports, not the city's.
    lacking = campaign_organizations_missing_report(user=actor, year=year).values_list("pk", flat=True)
    before = AnnualReport.objects.filter(year=year).count()
    AnnualReport.objects.bulk_create(
        [AnnualReport(tenant_id=tenant.pk, organization_id=org_id, campaign=campaign, year=year,
                      due_date=campaign.due_date, status=ReportStatus.OPEN) for org_id in lacking],
        batch_size=1000,
        ignore_conflicts=True,  # a concurrent run may have opened some; the unique (org, year) wins
    )
    opened = AnnualReport.objects.filter(year=year).count() - before
    campaign.reports_opened = opened
    if created or opened:
        audit_record(actor=actor, action="campaign.open", obj=campaign, changes={
            "year": year, "due_date": campaign.due_date, "created": created, "reports_opened": opened,
        })
    return campaign


def _lock_report_status(report: AnnualReport) -> None:
    lock_row(report, "status")


@transaction.atomic
def annual_report_save(*, actor, report: AnnualReport, **fields) -> AnnualReport:
    """Fill in an annual report while it is open or returned for correction."""
    _reject_unknown_fields(fields, REPORT_FIELDS)
    _lock_report_status(report)
    if report.status not in (ReportStatus.OPEN, ReportStatus.RETURNED):
        raise ConflictError(_("This annual report can no longer be changed."))
    if not can_edit_report(actor, report):
        raise ApplicationError(_("You may not change this annual report."))
    names = list(fields)
    before = snapshot(report, names)
    previous = {name: getattr(report, name) for name in names}
    try:
        for name, value in fields.items():
            setattr(report, name, value.strip() if isinstance(value, str) else value)
        report.full_clean()
    except ValidationError:
        for name, value in previous.items():
            setattr(report, name, value)
        raise
    changes = diff(before, snapshot(report, names))
    if changes:
        report.save(update_fields=list(changes))
        audit_record(actor=actor, action="annual_report.update", obj=report, changes=changes)
    return report


FIGURE_FIELDS = ("income_government", "income_donations", "income_dues", "income_services", "income_other",
                 "spending", "net_assets")


def annual_report_missing_sections(report: AnnualReport) -> list[str]:
    """What the report still lacks before submission (an empty report, ¥0 and no text, is refused)."""
    missing = []
    if not (report.activities_summary or "").strip():
        missing.append(_("the activities summary"))
    if not any(getattr(report, name) for name in FIGURE_FIELDS) and not report.attachments.exists():
        missing.append(_("the financial figures (all are ¥0) or an attached financial statement"))
    return missing


@transaction.atomic
def annual_report_submit(*, actor, report: AnnualReport) -> AnnualReport:
    missing = annual_report_missing_sections(report)
    if missing:
        # The report's present content, not the request, is what is lacking: a conflict (409).
        raise ConflictError(_("The annual report cannot be submitted yet. Missing: %(missing)s.")
                            % {"missing": _("; ").join(str(m) for m in missing)}, extra={"missing": missing})
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.SUBMITTED, actor=actor, fields={
        "submitted_by": actor_or_none(actor), "submitted_at": timezone.now(),
    })
    return report


@transaction.atomic
def annual_report_return(*, actor, report: AnnualReport, note: str) -> AnnualReport:
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.RETURNED, actor=actor, note=note or "",
                               fields={"review_note": (note or "").strip()})
    notifications.report_returned(report=report, actor=actor)
    return report


@transaction.atomic
def annual_report_review(*, actor, report: AnnualReport, conclusion: str, note: str = "") -> AnnualReport:
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": [_("Choose a conclusion.")]})
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.REVIEWED, actor=actor, note=note or "", fields={
        "conclusion": conclusion, "review_note": (note or "").strip(),
        "reviewed_by": actor_or_none(actor), "reviewed_at": timezone.now(),
    })
    return report


@transaction.atomic
def report_attachment_add(*, actor, report: AnnualReport, uploaded_file) -> ReportAttachment:
    """Attach a document (PDF, image, Word or Excel, at most 10 MB) to an editable report."""
    _lock_report_status(report)
    if not can_edit_report(actor, report):
        raise ApplicationError(_("You may not add attachments to this annual report."))
    name = os.path.basename(uploaded_file.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    errors = []
    if extension not in ATTACHMENT_EXTENSIONS:
        errors.append(_("Allowed file types: %(types)s.") % {"types": ", ".join(sorted(ATTACHMENT_EXTENSIONS))})
    if uploaded_file.size > MAX_ATTACHMENT_BYTES:
        errors.append(_("A file may be at most 10 MB."))
    if errors:
        raise ValidationError({"file": errors})
    attachment = ReportAttachment(tenant_id=report.tenant_id, report=report, file=uploaded_file,
                                  name=name[:200], uploaded_by=actor_or_none(actor))
    attachment.full_clean()
    attachment.save()
    audit_record(actor=actor, action="annual_report.attachment_add", obj=report,
                 changes={"attachment": attachment.pk, "name": attachment.name, "size": uploaded_file.size})
    return attachment
