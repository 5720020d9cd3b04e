"""Writes of the registry: keyword-only, atomic, validated, audited.

Field problems raise ``ValidationError({field: [messages]})``; broken business rules raise
``ApplicationError``. Every change writes audit events in the same transaction. ``actor=None`` means
the system (scheduled jobs) and is accepted only where a job needs it (campaigns, Party coverage,
the daily credit rules).
"""

from __future__ import annotations

import copy
import datetime
import os
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.models import AuditEvent, Role, StatusChange
from governance.request_context import get_request_info
from governance.selectors import user_roles
from governance.standards import normalize_uscc
from governance.tenancy import ALL_TENANTS, all_tenants, get_current_tenant
from orgs.models import (
    ABNORMAL_REASONS,
    NO_RECTIFICATION_REASONS,
    SERIOUS_REASONS,
    AnnualReport,
    ChangeRequestStatus,
    Conclusion,
    CreditList,
    CreditReason,
    CreditRecord,
    CreditSource,
    EvaluationGrade,
    Filing,
    FilingStatus,
    FundingSource,
    GradeBand,
    GradeStatus,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgChangeRequest,
    OrgKind,
    OrgMembership,
    OrgStatus,
    PartyCoverage,
    ReportAttachment,
    ReportStatus,
    ServiceDomain,
)
from orgs.permissions import (
    EDIT_ROLES,
    can_apply_rectification,
    can_award_grade,
    can_change_org_status,
    can_configure_grades,
    can_create_org,
    can_decide_change_request,
    can_edit_org,
    can_edit_report,
    can_manage_credit,
    can_manage_memberships,
    can_open_campaign,
    can_set_party_coverage,
    can_submit_filing,
    forget_memberships,
    is_member,
    is_org_user,
    region_in_jurisdiction,
)
from orgs.selectors import (
    GRADE_ORDER,
    grade_bands,
    grade_eligibility,
    grade_for_score,
    pending_change_request,
)
from orgs.validation import identity_errors
from orgs.workflows import FILING_WORKFLOW, REPORT_WORKFLOW

# Fields staff set when registering an organization (party_coverage belongs to the party app).
ORGANIZATION_FIELDS = (
    "name", "kind", "uscc", "filing_number", "legal_representative", "contact_person", "contact_phone", "email",
    "address", "established_date", "registered_date", "supervising_unit", "status", "staff_fulltime",
    "staff_social_workers", "retired_cadre_leaders", "volunteers", "funding_sources",
)
# Status changes go through organization_set_status (reason required) or the filing workflow.
ORGANIZATION_UPDATE_FIELDS = tuple(f for f in ORGANIZATION_FIELDS if f != "status") + ("region",)
# A filing applicant describes the group; kind, status, dates and number are the office's to set.
FILING_FIELDS = (
    "name", "uscc", "legal_representative", "contact_person", "contact_phone", "email", "address",
    "established_date", "supervising_unit", "staff_fulltime", "staff_social_workers", "retired_cadre_leaders",
    "volunteers", "funding_sources",
)
# Organization users change these at once in the portal ...
PORTAL_DIRECT_FIELDS = (
    "contact_person", "contact_phone", "email", "address", "staff_fulltime", "staff_social_workers",
    "retired_cadre_leaders", "volunteers", "funding_sources", "domains",
)
# ... and request these, which staff approve (OrgChangeRequest).
PORTAL_KEY_FIELDS = ("name", "legal_representative", "supervising_unit", "established_date", "uscc")
# Statuses staff set by hand; pending/rejected belong to the filing workflow.
MANUAL_STATUSES = (OrgStatus.ACTIVE, OrgStatus.SUSPENDED, OrgStatus.DEREGISTERED, OrgStatus.REVOKED)
REPORT_FIELDS = (
    "income_government", "income_donations", "income_dues", "income_services", "income_other", "spending",
    "net_assets", "activities_summary", "party_building_report",
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = frozenset({"pdf", "jpg", "jpeg", "png", "doc", "docx", "xls", "xlsx"})

# Days before expiry when the daily job flags a grade for re-evaluation.
GRADE_EXPIRY_WARNING_DAYS = 90
NO_RECTIFICATION_MONTHS = 6
ABNORMAL_TO_SERIOUS_YEARS = 2
SERIOUS_REMOVAL_YEARS = 2

REMOVAL_VERIFIED = gettext_lazy("obligation fulfilled and verified")
REMOVAL_NO_RECTIFICATION = gettext_lazy("six months after the latest listing (no rectification needed)")
REMOVAL_MOVED = gettext_lazy("moved to the serious list")
REMOVAL_DEREGISTERED = gettext_lazy("organization deregistered")


# --- helpers ---------------------------------------------------------------------------------


def _require_tenant(tenant) -> None:
    current = get_current_tenant()
    if current is ALL_TENANTS or current is None or current.pk != tenant.pk:
        raise ApplicationError(_("This operation must run inside the tenant's own scope."))


def _active_tenant():
    current = get_current_tenant()
    if current is None or current is ALL_TENANTS:
        raise ApplicationError(_("This operation must run inside the tenant's own scope."))
    return current


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _reject_unknown_fields(fields: dict, allowed) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ValidationError({name: [_("This field cannot be set here.")] for name in unknown})


def _as_date(value, field: str) -> datetime.date:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError({field: [_("Enter a valid date.")]})
    return value


def _not_in_future(value: datetime.date, field: str) -> None:
    if value > timezone.localdate():
        raise ValidationError({field: [_("The date cannot be in the future.")]})


def _required_text(value, field: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: [_("Please give a reason.")]})
    return text


def _merge_errors(target: dict[str, list[str]], source: dict[str, list[str]]) -> None:
    for name, messages in source.items():
        bucket = target.setdefault(name, [])
        bucket.extend(m for m in messages if m not in bucket)


def _json(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


# --- organizations ---------------------------------------------------------------------------


def _normalize_org_values(values: dict) -> dict:
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    if "uscc" in values:
        values["uscc"] = normalize_uscc(values["uscc"] or "") or None
    if "filing_number" in values:
        values["filing_number"] = values["filing_number"] or ""
    if "funding_sources" in values and values["funding_sources"] is not None:
        sources = values["funding_sources"]
        values["funding_sources"] = list(dict.fromkeys([sources] if isinstance(sources, str) else sources))
    return values


def _clean_domains(domains) -> list[str]:
    codes = list(dict.fromkeys([domains] if isinstance(domains, str) else (domains or ())))
    unknown = [code for code in codes if code not in ServiceDomain.values]
    if unknown:
        raise ValidationError({"domains": [_("Unknown service domain: %(code)s.") % {"code": code}
                                           for code in unknown]})
    return sorted(codes)


def _uscc_taken(org: Organization) -> bool:
    """Is the credit code used by another organization of ANY tenant?

    The one deliberate cross-tenant read of the registry: row-level security hides other tenants'
    rows from the tenant's own scope, so the check runs in the explicit all-tenants scope.
    """
    with all_tenants():
        return Organization.objects.filter(uscc=org.uscc).exclude(pk=org.pk).exists()


def _organization_errors(org: Organization) -> dict[str, list[str]]:
    """Every field problem of ``org`` as it stands in memory (identity, uniqueness, model rules)."""
    errors: dict[str, list[str]] = {}
    identity = identity_errors(kind=org.kind, uscc=org.uscc, filing_number=org.filing_number)
    waived: dict[str, list[str]] = {}
    if org.status in (OrgStatus.PENDING, OrgStatus.REJECTED):
        # A filing gets its number when the street approves it, so none is needed before. The model's
        # clean() applies the same identity rules and reports this one too: it is waived there as well.
        waived["filing_number"] = identity.pop("filing_number", [])
    _merge_errors(errors, identity)
    sources = org.funding_sources
    if not isinstance(sources, list) or any(source not in FundingSource.values for source in sources):
        errors.setdefault("funding_sources", []).append(
            _("Choose funding sources from: %(choices)s.") % {"choices": ", ".join(FundingSource.values)}
        )
    # The credit code is a national identifier: unique across all tenants, so look at every tenant.
    if org.uscc and "uscc" not in errors and _uscc_taken(org):
        errors["uscc"] = [_("This credit code is already registered.")]
    if org.filing_number and Organization.unscoped.filter(
        tenant_id=org.tenant_id, filing_number=org.filing_number
    ).exclude(pk=org.pk).exists():
        errors.setdefault("filing_number", []).append(_("This filing number is already in use."))
    try:
        # The two unique constraints were checked above, across tenants where it matters.
        org.full_clean(validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            kept = [m for m in messages if m not in waived.get(name, [])]
            if kept:
                _merge_errors(errors, {name: kept})
    return errors


def _validate_organization(org: Organization) -> None:
    errors = _organization_errors(org)
    if errors:
        raise ValidationError(errors)


def _save_organization(org: Organization, **save_kwargs) -> None:
    """Save, turning a lost race on a unique code into the same field error as the check."""
    try:
        with transaction.atomic():
            org.save(**save_kwargs)
    except IntegrityError as exc:
        if org.uscc and _uscc_taken(org):
            raise ValidationError({"uscc": [_("This credit code is already registered.")]}) from exc
        if org.filing_number and Organization.unscoped.filter(
            tenant_id=org.tenant_id, filing_number=org.filing_number
        ).exclude(pk=org.pk).exists():
            raise ValidationError({"filing_number": [_("This filing number is already in use.")]}) from exc
        raise


def _set_domains(org: Organization, codes: list[str]) -> list[str]:
    """Replace the organization's service domains; returns the previous codes."""
    before = sorted(OrganizationDomain.objects.filter(organization=org).values_list("domain", flat=True))
    if before != codes:
        OrganizationDomain.objects.filter(organization=org).exclude(domain__in=codes).delete()
        OrganizationDomain.objects.bulk_create([
            OrganizationDomain(tenant_id=org.tenant_id, organization=org, domain=code)
            for code in codes if code not in before
        ])
    # A list page may have prefetched the old rows onto this instance.
    getattr(org, "_prefetched_objects_cache", {}).pop("domains", None)
    return before


def _organization_apply(*, actor, organization: Organization, fields: dict, domains=None,
                        action: str = "organization.update") -> dict:
    """Apply ``fields`` (and ``domains``) to ``organization``: validate, save changed fields, audit.

    Returns the audited changes. On any error the in-memory instance is restored.
    """
    values = _normalize_org_values(fields)
    codes = _clean_domains(domains) if domains is not None else None
    names = list(values)
    before = snapshot(organization, names)
    previous = {name: getattr(organization, name) for name in names}
    try:
        for name, value in values.items():
            setattr(organization, name, value)
        _validate_organization(organization)
        changes = diff(before, snapshot(organization, names))
        if changes:
            _save_organization(organization, update_fields=[*changes, "updated_at"])
    except Exception:
        for name, value in previous.items():
            setattr(organization, name, value)
        raise
    if codes is not None:
        old_codes = _set_domains(organization, codes)
        if old_codes != codes:
            changes["domains"] = [old_codes, codes]
    if changes:
        audit_record(actor=actor, action=action, obj=organization, changes=changes)
    return changes


def _build_organization(*, region, domains, values: dict) -> tuple[Organization, list[str]]:
    codes = _clean_domains(domains)
    org = Organization(tenant_id=region.tenant_id, region=region, **_normalize_org_values(values))
    _validate_organization(org)
    _save_organization(org)
    OrganizationDomain.objects.bulk_create(
        [OrganizationDomain(tenant_id=org.tenant_id, organization=org, domain=code) for code in codes]
    )
    return org, codes


@transaction.atomic
def organization_create(*, actor, region, domains=(), **fields) -> Organization:
    """Register an organization in ``region`` (which must lie in the actor's jurisdiction)."""
    _reject_unknown_fields(fields, ORGANIZATION_FIELDS)
    if not can_create_org(actor) or not region_in_jurisdiction(actor, region, EDIT_ROLES):
        raise ApplicationError(_("You may not register organizations in this region."))
    org, codes = _build_organization(region=region, domains=domains, values=fields)
    audit_record(actor=actor, action="organization.create", obj=org, changes={**snapshot(org), "domains": codes})
    return org


@transaction.atomic
def organization_update(*, actor, organization: Organization, domains=None, **fields) -> Organization:
    """Change an organization's data (not its status: see ``organization_set_status``)."""
    _reject_unknown_fields(fields, ORGANIZATION_UPDATE_FIELDS)
    if not can_edit_org(actor, organization):
        raise ApplicationError(_("You may not change this organization."))
    new_region = fields.get("region")
    if (new_region is not None and new_region.pk != organization.region_id
            and not region_in_jurisdiction(actor, new_region, EDIT_ROLES)):
        raise ApplicationError(_("You may not move the organization to this region."))
    _organization_apply(actor=actor, organization=organization, fields=fields, domains=domains)
    return organization


@transaction.atomic
def organization_export_record(*, actor, filters: dict, rows: int) -> None:
    """An export of the registry leaves the data's custody: record who took which rows."""
    audit_record(actor=actor, action="organization.export", tenant=actor.tenant,
                 object_repr=_("Organization list export"),
                 changes={"filters": {k: v for k, v in filters.items() if v not in (None, "", [])}, "rows": rows})


@transaction.atomic
def organization_set_status(*, actor, organization: Organization, status: str, note: str) -> Organization:
    """Suspend, reactivate, deregister or revoke an organization, with the reason recorded."""
    if not can_change_org_status(actor, organization):
        raise ApplicationError(_("You may not change the status of this organization."))
    if status not in MANUAL_STATUSES:
        raise ValidationError({"status": [_("Choose one of: %(choices)s.")
                                          % {"choices": ", ".join(str(OrgStatus(s).label) for s in MANUAL_STATUSES)}]})
    note = _required_text(note, "note")
    current = Organization.unscoped.select_for_update().values_list("status", flat=True).get(pk=organization.pk)
    if current in (OrgStatus.PENDING, OrgStatus.REJECTED):
        raise ConflictError(_("The status of a filing under review changes through the filing workflow."))
    if current == status:
        raise ConflictError(_("The organization already has this status."))
    organization.status = status
    organization.save(update_fields=["status", "updated_at"])
    StatusChange.objects.create(
        tenant_id=organization.tenant_id, content_type=ContentType.objects.get_for_model(organization),
        object_id=str(organization.pk), workflow="organization_status", from_status=current, to_status=status,
        actor=_user_or_none(actor), note=note,
    )
    audit_record(actor=actor, action="organization.set_status", obj=organization,
                 changes={"status": [current, status], "note": note})
    return organization


@transaction.atomic
def organization_set_party_coverage(*, actor, organization: Organization, coverage: str) -> Organization:
    """Record how the organization is covered by Party organizations (written by the party app)."""
    if actor is not None and not can_set_party_coverage(actor, organization):
        raise ApplicationError(_("You may not change the Party coverage of this organization."))
    if coverage not in PartyCoverage.values:
        raise ValidationError({"party_coverage": [_("Unknown Party coverage: %(v)s.") % {"v": coverage}]})
    if organization.party_coverage == coverage:
        return organization
    before = organization.party_coverage
    organization.party_coverage = coverage
    organization.save(update_fields=["party_coverage", "updated_at"])
    audit_record(actor=actor, action="organization.set_party_coverage", obj=organization,
                 changes={"party_coverage": [before, coverage]})
    return organization


# --- memberships -----------------------------------------------------------------------------


@transaction.atomic
def membership_add(*, actor, user, organization: Organization) -> OrgMembership:
    """Let an organization user act for ``organization`` in the portal."""
    if not can_manage_memberships(actor, organization):
        raise ApplicationError(_("You may not manage the users of this organization."))
    if user.tenant_id != organization.tenant_id:
        raise ApplicationError(_("The user belongs to another tenant."))
    if Role.ORG_USER not in user_roles(user):
        raise ApplicationError(_("The user needs the role “Social organization user”."))
    membership, created = OrgMembership.objects.get_or_create(
        tenant_id=organization.tenant_id, user=user, organization=organization
    )
    if created:
        audit_record(actor=actor, action="membership.add", obj=membership,
                     changes={"user": user.username, "organization": organization.pk})
    forget_memberships(user)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: OrgMembership) -> None:
    if not can_manage_memberships(actor, membership.organization):
        raise ApplicationError(_("You may not manage the users of this organization."))
    audit_record(actor=actor, action="membership.remove", obj=membership,
                 changes={"user": membership.user.username, "organization": membership.organization_id})
    membership.delete()
    forget_memberships(membership.user)


# --- filings ---------------------------------------------------------------------------------


@transaction.atomic
def filing_submit(*, actor, region, domains=(), **fields) -> Filing:
    """Apply for the filing of a community group: a pending organization plus its Filing."""
    _reject_unknown_fields(fields, FILING_FIELDS)
    if not can_submit_filing(actor) or not region_in_jurisdiction(actor, region, EDIT_ROLES | {Role.ORG_USER}):
        raise ApplicationError(_("You may not submit a filing in this region."))
    name = (fields.get("name") or "").strip()
    if name and Organization.objects.filter(name=name, status=OrgStatus.PENDING).exists():
        raise ConflictError(_("A filing for “%(name)s” is already under review.") % {"name": name})
    org, codes = _build_organization(
        region=region, domains=domains,
        values={**fields, "kind": OrgKind.COMMUNITY_GROUP, "status": OrgStatus.PENDING},
    )
    filing = Filing(tenant_id=org.tenant_id, organization=org, status=FilingStatus.SUBMITTED,
                    submitted_by=_user_or_none(actor))
    filing.full_clean()
    filing.save()
    StatusChange.objects.create(
        tenant_id=filing.tenant_id, content_type=ContentType.objects.get_for_model(filing),
        object_id=str(filing.pk), workflow=FILING_WORKFLOW.name, from_status="",
        to_status=FilingStatus.SUBMITTED, actor=_user_or_none(actor),
    )
    audit_record(actor=actor, action="organization.create", obj=org, changes={**snapshot(org), "domains": codes})
    audit_record(actor=actor, action="filing.submit", obj=filing, changes=snapshot(filing))
    if is_org_user(actor):
        membership = OrgMembership.objects.create(tenant_id=org.tenant_id, user=actor, organization=org)
        audit_record(actor=actor, action="membership.add", obj=membership,
                     changes={"user": actor.username, "organization": org.pk})
        forget_memberships(actor)
    return filing


def _street_code(region) -> str:
    """Short code of the street above (or at) ``region``, else of the region itself."""
    from governance.models.regions import LEVEL_CODE_DIGITS, RegionLevel

    street_digits = LEVEL_CODE_DIGITS[RegionLevel.STREET]
    segments = region.path.strip("/").split("/")
    if region.level >= RegionLevel.STREET and len(segments) > 1:
        for segment in segments:
            if len(segment) == street_digits:
                return segment
    return region.short_code


def _assign_filing_number(org: Organization, year: int, attempts: int = 5) -> None:
    prefix = f"{_street_code(org.region)}-{year}-"
    for _attempt in range(attempts):
        taken = Organization.objects.filter(filing_number__startswith=prefix).values_list("filing_number", flat=True)
        seq = max((int(n[len(prefix):]) for n in taken if n[len(prefix):].isdigit()), default=0) + 1
        org.filing_number = f"{prefix}{seq:04d}"
        try:
            with transaction.atomic():
                org.save(update_fields=["filing_number", "updated_at"])
            return
        except IntegrityError:
            continue  # another approval in the same street took the number; take the next one
    raise ApplicationError(_("Could not assign a filing number; please try again."))


@transaction.atomic
def filing_transition(*, actor, filing: Filing, to: str, note: str = "") -> Filing:
    """Move a filing through FILING_WORKFLOW; filing or rejecting also decides the organization."""
    fields: dict = {}
    if to in (FilingStatus.FILED, FilingStatus.REJECTED):
        fields["decided_at"] = timezone.now()
    if to == FilingStatus.REJECTED:
        fields["rejection_reason"] = (note or "").strip()
    FILING_WORKFLOW.transition(obj=filing, to=to, actor=actor, note=note or "", fields=fields)
    if to not in (FilingStatus.FILED, FilingStatus.REJECTED):
        return filing
    org = Organization.unscoped.select_for_update().get(pk=filing.organization_id)
    tracked = ["status", "registered_date", "filing_number"]
    before = snapshot(org, tracked)
    if to == FilingStatus.FILED:
        today = timezone.localdate()
        org.status = OrgStatus.ACTIVE
        org.registered_date = today
        org.save(update_fields=["status", "registered_date", "updated_at"])
        if not org.filing_number:
            _assign_filing_number(org, today.year)
        action = "organization.filed"
    else:
        org.status = OrgStatus.REJECTED
        org.save(update_fields=["status", "updated_at"])
        action = "organization.filing_rejected"
    filing.organization = org
    audit_record(actor=actor, action=action, obj=org, changes=diff(before, snapshot(org, tracked)))
    return filing


# --- annual reports --------------------------------------------------------------------------


@transaction.atomic
def campaign_open(*, actor, year: int, due_date) -> InspectionCampaign:
    """Open the year's campaign and a report for every active organization lacking one (idempotent).

    An existing campaign for the year is reused with its own due date. Organizations registered after
    the year ended get no report for it. ``campaign.reports_opened`` tells how many reports were added.
    """
    tenant = _active_tenant()
    if actor is not None and not can_open_campaign(actor):
        raise ApplicationError(_("You may not open annual report campaigns."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError({"year": [_("Enter a valid year.")]}) from None
    due_date = _as_date(due_date, "due_date")
    campaign = InspectionCampaign.objects.select_for_update().filter(year=year).first()
    created = campaign is None
    if created:
        campaign = InspectionCampaign(tenant_id=tenant.pk, year=year, due_date=due_date,
                                      opened_by=_user_or_none(actor))
        campaign.full_clean()
        campaign.save()
    year_end = datetime.date(year, 12, 31)
    lacking = (
        Organization.objects.filter(status=OrgStatus.ACTIVE)
        .filter(Q(registered_date__isnull=True) | Q(registered_date__lte=year_end))
        .exclude(Exists(AnnualReport.objects.filter(organization_id=OuterRef("pk"), year=year)))
        .values_list("pk", flat=True)
    )
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
    report.status = AnnualReport.unscoped.select_for_update().values_list("status", flat=True).get(pk=report.pk)


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


@transaction.atomic
def annual_report_submit(*, actor, report: AnnualReport) -> AnnualReport:
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.SUBMITTED, actor=actor, fields={
        "submitted_by": _user_or_none(actor), "submitted_at": timezone.now(),
    })
    return report


@transaction.atomic
def annual_report_return(*, actor, report: AnnualReport, note: str) -> AnnualReport:
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.RETURNED, actor=actor, note=note or "",
                               fields={"review_note": (note or "").strip()})
    return report


@transaction.atomic
def annual_report_review(*, actor, report: AnnualReport, conclusion: str, note: str = "") -> AnnualReport:
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": [_("Choose a conclusion.")]})
    REPORT_WORKFLOW.transition(obj=report, to=ReportStatus.REVIEWED, actor=actor, note=note or "", fields={
        "conclusion": conclusion, "review_note": (note or "").strip(),
        "reviewed_by": _user_or_none(actor), "reviewed_at": timezone.now(),
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
                                  name=name[:200], uploaded_by=_user_or_none(actor))
    attachment.full_clean()
    attachment.save()
    audit_record(actor=actor, action="annual_report.attachment_add", obj=report,
                 changes={"attachment": attachment.pk, "name": attachment.name, "size": uploaded_file.size})
    return attachment


# --- evaluation grades -----------------------------------------------------------------------


@transaction.atomic
def grade_bands_set(*, actor, tenant, bands: dict[str, int]) -> dict[str, int]:
    """Set the tenant's lower bound of every grade (strictly decreasing from 5A to 1A, 0..1000)."""
    _require_tenant(tenant)
    if not can_configure_grades(actor):
        raise ApplicationError(_("You may not configure the grade bands."))
    expected = [grade.value for grade in GRADE_ORDER]
    if set(bands) != set(expected):
        raise ValidationError({"bands": [_("Give a minimum score for each of %(grades)s.")
                                         % {"grades": ", ".join(expected)}]})
    errors: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for grade in expected:
        value = bands[grade]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            errors[grade] = [_("Enter a whole number from 0 to 1000.")]
        else:
            values[grade] = value
    for higher, lower in zip(expected, expected[1:], strict=False):
        if higher in values and lower in values and values[lower] >= values[higher]:
            errors.setdefault(lower, []).append(_("Must be lower than the minimum of %(grade)s (%(score)d).")
                                                % {"grade": higher, "score": values[higher]})
    if errors:
        raise ValidationError(errors)
    existing = {band.grade: band for band in GradeBand.objects.filter(tenant=tenant)}
    before = {grade: band.min_score for grade, band in existing.items()}
    for grade, value in values.items():
        band = existing.get(grade)
        if band is None:
            band = GradeBand(tenant=tenant, grade=grade, min_score=value)
            band.full_clean()
            band.save()
        elif band.min_score != value:
            band.min_score = value
            band.full_clean()
            band.save(update_fields=["min_score"])
    changes = diff(before, values)
    if changes:
        audit_record(actor=actor, action="grade_bands.set", tenant=tenant, changes=changes,
                     object_repr=str(_("Grade bands")))
    return grade_bands(tenant=tenant)


@transaction.atomic
def grade_award(*, actor, organization: Organization, score: int, awarded_date, note: str = "") -> EvaluationGrade:
    """Record an evaluation result; the grade follows from the score and supersedes a valid grade."""
    if not can_award_grade(actor, organization):
        raise ApplicationError(_("You may not award evaluation grades to this organization."))
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 1000:
        raise ValidationError({"score": [_("Enter a whole number from 0 to 1000.")]})
    awarded_date = _as_date(awarded_date, "awarded_date")
    _not_in_future(awarded_date, "awarded_date")
    reasons = grade_eligibility(organization=organization, on_date=awarded_date)
    if reasons:
        raise ConflictError(_("This organization cannot be evaluated: %(reasons)s")
                            % {"reasons": " ".join(reasons)}, extra={"reasons": reasons})
    grade = EvaluationGrade(
        tenant_id=organization.tenant_id, organization=organization, score=score,
        grade=grade_for_score(tenant=organization.tenant, score=score), awarded_date=awarded_date,
        expires_date=EvaluationGrade.expiry_for(awarded_date), note=(note or "").strip(),
        awarded_by=_user_or_none(actor),
    )
    grade.full_clean()
    for previous in EvaluationGrade.objects.select_for_update().filter(
        organization=organization, status=GradeStatus.VALID
    ):
        previous.status = GradeStatus.EXPIRED
        previous.save(update_fields=["status"])
        audit_record(actor=actor, action="grade.supersede", obj=previous,
                     changes={"status": [GradeStatus.VALID, GradeStatus.EXPIRED]})
    grade.save()
    audit_record(actor=actor, action="grade.award", obj=grade, changes=snapshot(grade))
    return grade


# --- credit lists ----------------------------------------------------------------------------


def _lock_record(record: CreditRecord) -> CreditRecord:
    locked = CreditRecord.unscoped.select_for_update().get(pk=record.pk)
    for name in ("removed_on", "rectification_applied_on", "rectification_verified_on", "moved_to_id"):
        setattr(record, name, getattr(locked, name))
    return record


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
    record = CreditRecord(
        tenant_id=organization.tenant_id, organization=organization, list_type=list_type, reason=reason,
        source=CreditSource.MANUAL, listed_on=listed_on, decision_number=(decision_number or "").strip(),
        note=(note or "").strip(), created_by=_user_or_none(actor),
    )
    record.full_clean()
    record.save()
    audit_record(actor=actor, action="credit.add", obj=record, changes=snapshot(record))
    return record


def _check_serious_removal(record: CreditRecord, removed_on: datetime.date) -> None:
    org = Organization.unscoped.get(pk=record.organization_id)
    if record.reason == CreditReason.REGISTRATION_REVOKED:
        if org.status != OrgStatus.DEREGISTERED:
            raise ApplicationError(_("An entry for revoked registration is removed only when the organization "
                                     "is deregistered."))
        return
    latest = CreditRecord.objects.filter(
        organization_id=org.pk, list_type=CreditList.SERIOUS
    ).aggregate(latest=Max("listed_on"))["latest"] or record.listed_on
    earliest = latest + relativedelta(years=SERIOUS_REMOVAL_YEARS)
    if removed_on < earliest:
        raise ApplicationError(
            _("Removal from the serious list is possible from %(date)s: two full years after the latest "
              "listing (%(listed)s) with no new listing.") % {"date": earliest.isoformat(),
                                                              "listed": latest.isoformat()},
            extra={"earliest": earliest.isoformat()},
        )
    if CreditRecord.objects.filter(moved_to=record, rectification_verified_on__isnull=True).exists():
        raise ApplicationError(_("The obligation that led to the abnormal list has not been fulfilled and "
                                 "verified yet."))


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
    record.removed_by = _user_or_none(actor)
    record.save(update_fields=["removed_on", "removal_reason", "removed_by"])
    audit_record(actor=actor, action="credit.remove", obj=record,
                 changes={"removed_on": removed_on, "removal_reason": reason})
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


def _audit_system(*, tenant, action: str, objs: list, changes) -> None:
    """Audit events of the daily job, one per changed row, written in bulk.

    Same fields as ``audit_record`` (actor "system"); the region path comes from the organization so
    that auditors of a subtree see these events.
    """
    if not objs:
        return
    info = get_request_info()
    content_type = ContentType.objects.get_for_model(type(objs[0]))
    AuditEvent.objects.bulk_create([
        AuditEvent(
            tenant_id=tenant.pk, region_path=obj.organization.region.path, actor=None, actor_repr="system",
            action=action, content_type=content_type, object_id=str(obj.pk), object_repr=str(obj)[:200],
            changes={key: _json(value) for key, value in changes(obj).items()},
            request_id=info.request_id, ip_address=info.ip_address,
        )
        for obj in objs
    ], batch_size=500)


def _records():
    return CreditRecord.objects.select_related("organization__region")


def _rule_list_overdue(tenant, today: datetime.date) -> int:
    # An entry moved to the serious list still answers for its report: listing the report again would
    # put the organization on both lists and restart the two-year clock.
    answered = CreditRecord.objects.filter(annual_report_id=OuterRef("pk")).filter(
        Q(removed_on__isnull=True) | Q(moved_to__isnull=False)
    )
    reports = list(
        AnnualReport.objects.filter(
            due_date__lt=today, status__in=[ReportStatus.OPEN, ReportStatus.RETURNED],
            organization__status=OrgStatus.ACTIVE,
        ).exclude(Exists(answered)).select_related("organization__region")
    )
    records = [
        CreditRecord(
            tenant_id=tenant.pk, organization=report.organization, list_type=CreditList.ABNORMAL,
            reason=CreditReason.ANNUAL_REPORT_OVERDUE, source=CreditSource.AUTOMATIC, listed_on=today,
            annual_report=report,
        )
        for report in reports
    ]
    CreditRecord.objects.bulk_create(records)
    _audit_system(tenant=tenant, action="credit.auto_list", objs=records, changes=lambda r: {
        "list_type": r.list_type, "reason": r.reason, "listed_on": r.listed_on, "annual_report": r.annual_report_id,
    })
    return len(records)


def _rule_remove_verified(tenant, today: datetime.date) -> int:
    tz = timezone.get_current_timezone()
    start_of_tomorrow = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(), tzinfo=tz)
    reviewed = list(
        _records().select_related("annual_report").filter(
            list_type=CreditList.ABNORMAL, reason=CreditReason.ANNUAL_REPORT_OVERDUE, removed_on__isnull=True,
            annual_report__status=ReportStatus.REVIEWED,
        ).filter(Q(annual_report__reviewed_at__lt=start_of_tomorrow) | Q(annual_report__reviewed_at__isnull=True))
    )
    for record in reviewed:
        if record.rectification_verified_on is None:
            reviewed_at = record.annual_report.reviewed_at
            record.rectification_verified_on = timezone.localdate(reviewed_at) if reviewed_at else today
    verified = list(
        _records().filter(
            list_type=CreditList.ABNORMAL, removed_on__isnull=True, rectification_verified_on__lte=today,
        ).exclude(pk__in=[record.pk for record in reviewed])
    )
    records = reviewed + verified
    for record in records:
        record.removed_on = today
        record.removal_reason = str(REMOVAL_VERIFIED)
    CreditRecord.objects.bulk_update(records, ["rectification_verified_on", "removed_on", "removal_reason"])
    _audit_system(tenant=tenant, action="credit.auto_remove", objs=records, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason,
        "rectification_verified_on": r.rectification_verified_on,
    })
    return len(records)


def _rule_remove_no_rectification(tenant, today: datetime.date) -> int:
    # A new listing on the abnormal list restarts the clock for every no-rectification entry.
    latest = Subquery(
        CreditRecord.objects.filter(
            organization_id=OuterRef("organization_id"), list_type=CreditList.ABNORMAL, listed_on__lte=today
        ).order_by("-listed_on").values("listed_on")[:1]
    )
    candidates = _records().filter(
        list_type=CreditList.ABNORMAL, removed_on__isnull=True, reason__in=NO_RECTIFICATION_REASONS
    ).annotate(latest_listed_on=latest)
    # relativedelta in Python: month ends (31 August + 6 months) are not expressible portably in SQL.
    records = [r for r in candidates
               if r.latest_listed_on and r.latest_listed_on + relativedelta(months=NO_RECTIFICATION_MONTHS) <= today]
    for record in records:
        record.removed_on = today
        record.removal_reason = str(REMOVAL_NO_RECTIFICATION)
    CreditRecord.objects.bulk_update(records, ["removed_on", "removal_reason"])
    _audit_system(tenant=tenant, action="credit.auto_remove", objs=records, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason, "latest_listed_on": r.latest_listed_on,
    })
    return len(records)


def _rule_move_to_serious(tenant, today: datetime.date) -> int:
    # Coarse bound in SQL (one spare day for 29 February), exact two-year check in Python.
    bound = today - relativedelta(years=ABNORMAL_TO_SERIOUS_YEARS) + datetime.timedelta(days=1)
    candidates = _records().filter(
        list_type=CreditList.ABNORMAL, removed_on__isnull=True, rectification_verified_on__isnull=True,
        listed_on__lte=bound,
    ).exclude(reason__in=NO_RECTIFICATION_REASONS)
    due = [r for r in candidates if r.listed_on + relativedelta(years=ABNORMAL_TO_SERIOUS_YEARS) <= today]
    by_org: dict[int, list[CreditRecord]] = defaultdict(list)
    for record in due:
        by_org[record.organization_id].append(record)
    serious = {
        org_id: CreditRecord(
            tenant_id=tenant.pk, organization=records[0].organization, list_type=CreditList.SERIOUS,
            reason=CreditReason.ABNORMAL_TWO_YEARS, source=CreditSource.AUTOMATIC, listed_on=today,
        )
        for org_id, records in by_org.items()
    }
    CreditRecord.objects.bulk_create(list(serious.values()))
    for record in due:
        record.removed_on = today
        record.moved_to = serious[record.organization_id]
        record.removal_reason = str(REMOVAL_MOVED)
    CreditRecord.objects.bulk_update(due, ["removed_on", "moved_to", "removal_reason"])
    _audit_system(tenant=tenant, action="credit.auto_list", objs=list(serious.values()), changes=lambda r: {
        "list_type": r.list_type, "reason": r.reason, "listed_on": r.listed_on,
        "moved_from": [m.pk for m in by_org[r.organization_id]],
    })
    _audit_system(tenant=tenant, action="credit.move_to_serious", objs=due, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason, "moved_to": r.moved_to_id,
    })
    return len(serious)


def _rule_remove_deregistered(tenant, today: datetime.date) -> int:
    records = list(_records().filter(
        removed_on__isnull=True, reason=CreditReason.REGISTRATION_REVOKED,
        organization__status=OrgStatus.DEREGISTERED,
    ))
    for record in records:
        record.removed_on = today
        record.removal_reason = str(REMOVAL_DEREGISTERED)
    CreditRecord.objects.bulk_update(records, ["removed_on", "removal_reason"])
    _audit_system(tenant=tenant, action="credit.auto_remove", objs=records, changes=lambda r: {
        "removed_on": r.removed_on, "removal_reason": r.removal_reason,
    })
    return len(records)


def _rule_grades(tenant, today: datetime.date) -> tuple[int, int]:
    grades = EvaluationGrade.objects.select_related("organization__region")
    expired = list(grades.filter(status=GradeStatus.VALID, expires_date__lte=today))
    for grade in expired:
        grade.status = GradeStatus.EXPIRED
    EvaluationGrade.objects.bulk_update(expired, ["status"])
    _audit_system(tenant=tenant, action="grade.expire", objs=expired, changes=lambda g: {
        "status": [GradeStatus.VALID.value, GradeStatus.EXPIRED.value], "expires_date": g.expires_date,
    })
    flagged = list(grades.filter(
        status=GradeStatus.VALID, expiry_flagged_on__isnull=True, expires_date__gt=today,
        expires_date__lte=today + datetime.timedelta(days=GRADE_EXPIRY_WARNING_DAYS),
    ))
    for grade in flagged:
        grade.expiry_flagged_on = today
    EvaluationGrade.objects.bulk_update(flagged, ["expiry_flagged_on"])
    _audit_system(tenant=tenant, action="grade.flag_expiry", objs=flagged, changes=lambda g: {
        "expiry_flagged_on": g.expiry_flagged_on, "expires_date": g.expires_date,
    })
    return len(expired), len(flagged)


@transaction.atomic
def credit_rules_apply(*, tenant, today: datetime.date) -> dict[str, int]:
    """The daily job: credit-list entries and removals (MCA Order 60) and grade expiry, for one tenant.

    Set-based and idempotent: a second run for the same ``today`` finds nothing to do and returns
    zeros. Rules run in this order, so that e.g. an entry removed today is not moved to the serious list.
    """
    _require_tenant(tenant)
    today = _as_date(today, "today")
    counts = {
        "listed_overdue": _rule_list_overdue(tenant, today),
        "removed_verified": _rule_remove_verified(tenant, today),
        "removed_no_rectification": _rule_remove_no_rectification(tenant, today),
        "moved_to_serious": _rule_move_to_serious(tenant, today),
        "removed_deregistered": _rule_remove_deregistered(tenant, today),
    }
    counts["grades_expired"], counts["grades_flagged"] = _rule_grades(tenant, today)
    return counts


# --- portal and change requests --------------------------------------------------------------


def _key_field_value(name: str, value):
    """The requested value of a key field, converted like the model field would (for comparison)."""
    if name == "uscc":
        return normalize_uscc(value or "") or None
    field = Organization._meta.get_field(name)
    if isinstance(value, str):
        value = value.strip()
    try:
        return field.to_python(value)
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from exc


@transaction.atomic
def portal_update(*, actor, organization: Organization, domains=None,
                  **fields) -> tuple[Organization, OrgChangeRequest | None]:
    """An organization user updates its own data: contact details at once, key data for approval."""
    if not is_member(actor, organization):
        raise ApplicationError(_("You may not change this organization."))
    allowed = set(PORTAL_DIRECT_FIELDS) | set(PORTAL_KEY_FIELDS)
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed in the portal.")] for name in unknown})
    direct = {name: value for name, value in fields.items() if name in PORTAL_DIRECT_FIELDS}
    requested = {name: _key_field_value(name, value) for name, value in fields.items() if name in PORTAL_KEY_FIELDS}
    # Validate direct and requested values together, so the user sees every problem at once.
    candidate = copy.copy(organization)
    for name, value in {**_normalize_org_values(direct), **requested}.items():
        setattr(candidate, name, value)
    errors = _organization_errors(candidate)
    if domains is not None:
        try:
            _clean_domains(domains)
        except ValidationError as exc:
            _merge_errors(errors, exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _organization_apply(actor=actor, organization=organization, fields=direct, domains=domains,
                        action="organization.portal_update")
    changes = {
        name: [_json(getattr(organization, name)), _json(value)]
        for name, value in requested.items() if value != getattr(organization, name)
    }
    if not changes:
        return organization, None
    change_request = pending_change_request(organization=organization)
    if change_request is not None:
        change_request = OrgChangeRequest.objects.select_for_update().get(pk=change_request.pk)
        before = dict(change_request.changes)
        change_request.changes = {**before, **changes}
        change_request.save(update_fields=["changes"])
        audit_record(actor=actor, action="change_request.update", obj=change_request,
                     changes={"changes": [before, change_request.changes]})
    else:
        change_request = OrgChangeRequest(tenant_id=organization.tenant_id, organization=organization,
                                          changes=changes, requested_by=_user_or_none(actor))
        change_request.full_clean()
        change_request.save()
        audit_record(actor=actor, action="change_request.create", obj=change_request, changes={"changes": changes})
    return organization, change_request


@transaction.atomic
def change_request_decide(*, actor, change_request: OrgChangeRequest, approve: bool,
                          note: str = "") -> OrgChangeRequest:
    """Staff approve (apply the requested values, re-validated) or reject (with a reason) a change."""
    if not can_decide_change_request(actor, change_request):
        raise ApplicationError(_("You may not decide on changes of this organization."))
    status = OrgChangeRequest.unscoped.select_for_update().values_list("status", flat=True).get(pk=change_request.pk)
    if status != ChangeRequestStatus.PENDING:
        raise ApplicationError(_("This change request has already been decided."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": [_("Please give a reason.")]})
    if approve:
        requested = {name: pair[1] for name, pair in change_request.changes.items() if name in PORTAL_KEY_FIELDS}
        organization = Organization.unscoped.select_for_update().get(pk=change_request.organization_id)
        _organization_apply(actor=actor, organization=organization, fields=requested)
        change_request.organization = organization
    change_request.status = ChangeRequestStatus.APPROVED if approve else ChangeRequestStatus.REJECTED
    change_request.decided_by = _user_or_none(actor)
    change_request.decided_at = timezone.now()
    change_request.decision_note = note
    change_request.full_clean()
    change_request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action="change_request.approve" if approve else "change_request.reject",
                 obj=change_request, changes={"status": [status, change_request.status], "note": note})
    return change_request
