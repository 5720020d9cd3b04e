"""Reads of the registry. Every list is scoped to what the user may see; look-ups raise 404 otherwise.

Visibility of an organization (and of everything hanging off it: filings, reports, credit records,
change requests): staff roles see their region subtrees (``VIEW_ROLES``), organization users see the
organizations they are members of, everybody else sees nothing.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.selectors import get_object_for_user_or_404, region_get_for_user, scope_to_user, user_roles
from orgs.models import (
    DEFAULT_GRADE_BANDS,
    AnnualReport,
    ChangeRequestStatus,
    Conclusion,
    CreditExitApplication,
    CreditExitStatus,
    CreditList,
    CreditRecord,
    Filing,
    Grade,
    GradeBand,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgChangeRequest,
    OrgKind,
    OrgMembership,
    OrgStatus,
    PartyCoverage,
    PerformanceRecord,
    ReportStatus,
    ServiceDomain,
)
from orgs.permissions import STREET_ROLES, VIEW_ROLES, is_org_user

ORGANIZATION_ORDERINGS = ("name", "-name", "registered_date", "-registered_date", "created_at", "-created_at")
GRADE_ORDER = [Grade.A5, Grade.A4, Grade.A3, Grade.A2, Grade.A1]
# Years of registration before an organization may be evaluated (DESIGN.md §6).
GRADE_ELIGIBLE_AFTER_YEARS = 2


# --- visibility ------------------------------------------------------------------------------


def _scope(queryset: QuerySet, user, *, org_prefix: str = "") -> QuerySet:
    """Limit ``queryset`` to rows whose organization (``org_prefix`` → Organization) the user may see."""
    region_field = f"{org_prefix}region"
    scoped = scope_to_user(queryset, user, region_field=region_field, roles=VIEW_ROLES)
    if not is_org_user(user):
        return scoped
    member_of = OrgMembership.objects.filter(user_id=user.pk).values("organization_id")
    membership = Q(**{f"{org_prefix}pk__in": member_of})
    if not (user_roles(user) & VIEW_ROLES):
        return queryset.filter(membership)
    # Staff who are also organization users: the union, as one WHERE clause (no duplicate rows).
    return queryset.filter(Q(pk__in=scoped.values("pk")) | membership)


def _current_grade(today: datetime.date) -> Case:
    # A grade past its expiry date no longer counts, even before the daily job marks it expired.
    return Case(When(valid_grade_until__gt=today, then=F("valid_grade")), default=Value(None),
                output_field=CharField(null=True))


def _graded(grade: str, today: datetime.date) -> Q:
    return Q(valid_grade=grade, valid_grade_until__gt=today)


def _ungraded(today: datetime.date) -> Q:
    return Q(valid_grade="") | Q(valid_grade_until__isnull=True) | Q(valid_grade_until__lte=today)


CREDIT_LIST = Case(
    When(on_serious_list=True, then=Value(CreditList.SERIOUS.value)),
    When(on_abnormal_list=True, then=Value(CreditList.ABNORMAL.value)),
    default=Value(None),
    output_field=CharField(null=True),
)


def _annotate_org(queryset: QuerySet) -> QuerySet:
    """``current_grade`` and ``credit_list`` from the organization's own list columns (no sub-query per row)."""
    return queryset.annotate(current_grade=_current_grade(timezone.localdate()), credit_list=CREDIT_LIST)


def _visible_organizations(user) -> QuerySet[Organization]:
    return _scope(Organization.objects.all(), user)


def _region_for_user_or_none(user, region):
    """The Region (instance or id) if the user may see it, else None."""
    pk = getattr(region, "pk", region)
    try:
        return region_get_for_user(user=user, pk=pk)
    except Http404:
        return None


# --- organizations ---------------------------------------------------------------------------


def organization_list(*, user, filters: dict | None = None) -> QuerySet[Organization]:
    """Organizations the user may see, annotated with ``current_grade`` and ``credit_list``.

    ``credit_list`` is "serious" when any serious-list entry is active, else "abnormal" when an
    abnormal-list entry is active, else None. Constant number of queries per page.
    """
    queryset = _annotate_org(_visible_organizations(user)).select_related("region").prefetch_related("domains")
    filters = filters or {}
    q = (filters.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(name__icontains=q) | Q(uscc__startswith=q.upper()) | Q(filing_number__startswith=q)
        )
    for key in ("kind", "status"):
        if filters.get(key):
            queryset = queryset.filter(**{key: filters[key]})
    if filters.get("domain"):
        queryset = queryset.filter(
            Exists(OrganizationDomain.objects.filter(organization_id=OuterRef("pk"), domain=filters["domain"]))
        )
    grade = filters.get("grade")
    if grade == "none":
        queryset = queryset.filter(_ungraded(timezone.localdate()))
    elif grade:
        queryset = queryset.filter(_graded(grade, timezone.localdate()))
    credit = filters.get("credit")
    # List membership, so an organization on both lists is found under either.
    if credit == CreditList.SERIOUS:
        queryset = queryset.filter(on_serious_list=True)
    elif credit == CreditList.ABNORMAL:
        queryset = queryset.filter(on_abnormal_list=True)
    elif credit == "none":
        queryset = queryset.filter(on_serious_list=False, on_abnormal_list=False)
    if filters.get("region"):
        region = _region_for_user_or_none(user, filters["region"])
        if region is None:
            return queryset.none()
        queryset = queryset.filter(region__path__startswith=region.path)
    coverage = filters.get("party_coverage")
    if coverage:
        queryset = queryset.filter(party_coverage=PartyCoverage.UNKNOWN if coverage == "unknown" else coverage)
    ordering = filters.get("ordering")
    if ordering in ("-name", "-name_pinyin"):
        return queryset.order_by("-name_pinyin", "-name", "-id")
    if ordering in ORGANIZATION_ORDERINGS and ordering != "name":
        return queryset.order_by(ordering, "id")
    # Names sort by their pinyin key (governance.pinyin): 阿 < 北 < 成, the same on every backend.
    return queryset.order_by("name_pinyin", "name", "id")


def organization_get_for_user(*, user, pk) -> Organization:
    return get_object_for_user_or_404(organization_list(user=user), pk=pk)


def portal_organizations(*, user) -> QuerySet[Organization]:
    """Organizations the user acts for in the portal."""
    if not getattr(user, "pk", None):
        return Organization.objects.none()
    return _annotate_org(
        Organization.objects.filter(pk__in=OrgMembership.objects.filter(user_id=user.pk).values("organization_id"))
    ).select_related("region").prefetch_related("domains").order_by("name_pinyin", "name", "id")


def _choice_counts(choices, counts: dict) -> list[dict]:
    return [{"code": value, "label": str(label), "count": counts.get(value, 0)} for value, label in choices]


def organization_stats(*, user, region=None) -> dict:
    """Counts of the organizations the user sees (in ``region``'s subtree when given), by dimension.

    ``by_credit_list`` counts list membership (an organization on both lists counts in both rows);
    its "none" row counts the organizations on neither list.
    """
    base = _visible_organizations(user)
    if region is not None:
        visible_region = _region_for_user_or_none(user, region)
        if visible_region is None:
            raise Http404(_("Not found."))
        base = base.filter(region__path__startswith=visible_region.path)

    def grouped(queryset, field):
        return {row[field]: row["n"] for row in queryset.values(field).annotate(n=Count("pk")).order_by()}

    by_kind = grouped(base, "kind")
    by_status = grouped(base, "status")
    by_domain = {
        row["domain"]: row["n"]
        for row in OrganizationDomain.objects.filter(organization__in=base.values("pk"))
        .values("domain").annotate(n=Count("organization_id", distinct=True)).order_by()
    }
    by_grade = grouped(base.annotate(grade=_current_grade(timezone.localdate())), "grade")
    totals = base.aggregate(
        total=Count("pk"),
        serious=Count("pk", filter=Q(on_serious_list=True)),
        abnormal=Count("pk", filter=Q(on_abnormal_list=True)),
        clean=Count("pk", filter=Q(on_serious_list=False, on_abnormal_list=False)),
    )
    return {
        "total": totals["total"],
        "region": getattr(region, "pk", region),
        "by_kind": _choice_counts(OrgKind.choices, by_kind),
        "by_domain": _choice_counts(ServiceDomain.choices, by_domain),
        "by_status": _choice_counts(OrgStatus.choices, by_status),
        "by_grade": _choice_counts(
            [(g.value, g.label) for g in GRADE_ORDER] + [("none", _("No grade"))],
            {**by_grade, "none": by_grade.get(None, 0)},
        ),
        "by_credit_list": _choice_counts(
            [*CreditList.choices, ("none", _("Not listed"))],
            {"serious": totals["serious"], "abnormal": totals["abnormal"], "none": totals["clean"]},
        ),
    }


def _organization_search(queryset: QuerySet, user, filters: dict, *, org_prefix: str = "organization__") -> QuerySet:
    """Rows whose organization matches ``q`` (name, credit code or filing number) and lies in the subtree
    of ``region`` (the organization list's parameters); a region the user may not see matches nothing."""
    q = (filters.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(**{f"{org_prefix}name__icontains": q}) | Q(**{f"{org_prefix}uscc__startswith": q.upper()})
            | Q(**{f"{org_prefix}filing_number__startswith": q})
        )
    if filters.get("region"):
        region = _region_for_user_or_none(user, filters["region"])
        if region is None:
            return queryset.none()
        queryset = queryset.filter(**{f"{org_prefix}region__path__startswith": region.path})
    return queryset


# --- filings ---------------------------------------------------------------------------------


def filing_list(*, user, status: str | None = None, filters: dict | None = None) -> QuerySet[Filing]:
    """Filings the user may see; ``filters``: ``q`` and ``region`` as on the organization list."""
    queryset = _scope(Filing.objects.all(), user, org_prefix="organization__").select_related(
        "organization", "organization__region", "submitted_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    queryset = _organization_search(queryset, user, filters or {})
    return queryset.order_by("-submitted_at", "-id")


def filing_get_for_user(*, user, pk) -> Filing:
    return get_object_for_user_or_404(filing_list(user=user), pk=pk)


def organization_name_in_use(*, name: str, exclude_pk=None) -> bool:
    """Does another organization of the tenant (any region, rejected filings aside) bear ``name``?

    A filing with such a name is allowed but warned about: branches and namesakes exist, duplicates too."""
    others = Organization.objects.filter(name=(name or "").strip()).exclude(status=OrgStatus.REJECTED)
    return others.exclude(pk=exclude_pk).exists() if exclude_pk else others.exists()


# --- annual reports --------------------------------------------------------------------------


def annual_report_list(*, user, filters: dict | None = None) -> QuerySet[AnnualReport]:
    queryset = _scope(AnnualReport.objects.all(), user, org_prefix="organization__").select_related(
        "organization", "organization__region", "campaign"
    )
    filters = filters or {}
    for key in ("year", "status", "conclusion"):
        if filters.get(key):
            queryset = queryset.filter(**{key: filters[key]})
    queryset = _organization_search(queryset, user, filters)
    overdue = filters.get("overdue")
    if overdue is not None and overdue != "":
        condition = Q(due_date__lt=timezone.localdate(), status__in=[ReportStatus.OPEN, ReportStatus.RETURNED])
        queryset = queryset.filter(condition) if _truthy(overdue) else queryset.exclude(condition)
    return queryset.order_by("-year", "organization__name_pinyin", "organization__name", "id")


def annual_report_get_for_user(*, user, pk) -> AnnualReport:
    return get_object_for_user_or_404(annual_report_list(user=user), pk=pk)


def campaign_organizations_missing_report(*, user, year: int) -> QuerySet[Organization]:
    """Active organizations lacking the ``year`` report that ``user`` may open it for: those of their
    jurisdiction (a street clerk's street, not the city); all of the tenant's for a system run (user None)."""
    queryset = (
        Organization.objects.filter(status=OrgStatus.ACTIVE)
        .filter(Q(registered_date__isnull=True) | Q(registered_date__lte=datetime.date(year, 12, 31)))
        .exclude(Exists(AnnualReport.objects.filter(organization_id=OuterRef("pk"), year=year)))
    )
    if user is None:
        return queryset
    return scope_to_user(queryset, user, roles=STREET_ROLES)


def campaign_list(*, user) -> QuerySet[InspectionCampaign]:
    """Campaigns are tenant-wide and staff roles see them; count their reports through
    ``annual_report_list`` (scoped to the jurisdiction), never on the campaign (tenant-wide)."""
    if not (user_roles(user) & VIEW_ROLES):
        return InspectionCampaign.objects.none()
    return InspectionCampaign.objects.order_by("-year")


# --- credit lists ----------------------------------------------------------------------------


def credit_record_list(*, user, filters: dict | None = None) -> QuerySet[CreditRecord]:
    queryset = _scope(CreditRecord.objects.all(), user, org_prefix="organization__").select_related(
        "organization", "organization__region", "moved_to"
    )
    filters = filters or {}
    if filters.get("list_type"):
        queryset = queryset.filter(list_type=filters["list_type"])
    if filters.get("reason"):
        queryset = queryset.filter(reason=filters["reason"])
    if filters.get("organization"):
        queryset = queryset.filter(organization_id=getattr(filters["organization"], "pk", filters["organization"]))
    active = filters.get("active")
    if active is not None and active != "":
        queryset = queryset.filter(removed_on__isnull=_truthy(active))
    queryset = _organization_search(queryset, user, filters)
    return queryset.order_by("-listed_on", "-id")


def credit_record_get_for_user(*, user, pk) -> CreditRecord:
    return get_object_for_user_or_404(credit_record_list(user=user), pk=pk)


def credit_exit_application_list(*, user, status: str | None = None,
                                 organization=None) -> QuerySet[CreditExitApplication]:
    """Applications to leave the serious list the user may see (pending first, then the newest)."""
    queryset = _scope(CreditExitApplication.objects.all(), user, org_prefix="organization__").select_related(
        "organization", "organization__region", "record", "applied_by", "decided_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    if organization is not None:
        queryset = queryset.filter(organization_id=getattr(organization, "pk", organization))
    pending_first = Case(When(status=CreditExitStatus.PENDING, then=Value(0)), default=Value(1))
    return queryset.order_by(pending_first, "-applied_at", "-id")


def credit_exit_application_get_for_user(*, user, pk) -> CreditExitApplication:
    return get_object_for_user_or_404(credit_exit_application_list(user=user), pk=pk)


# --- portal change requests ------------------------------------------------------------------


def change_request_list(*, user, status: str | None = None, filters: dict | None = None) -> QuerySet[OrgChangeRequest]:
    """Change requests the user may see; ``filters``: ``q`` and ``region`` as on the organization list."""
    queryset = _scope(OrgChangeRequest.objects.all(), user, org_prefix="organization__").select_related(
        "organization", "organization__region", "requested_by", "decided_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    queryset = _organization_search(queryset, user, filters or {})
    return queryset.order_by("-requested_at", "-id")


def change_request_get_for_user(*, user, pk) -> OrgChangeRequest:
    return get_object_for_user_or_404(change_request_list(user=user), pk=pk)


def pending_change_request(*, organization) -> OrgChangeRequest | None:
    return OrgChangeRequest.objects.filter(
        organization=organization, status=ChangeRequestStatus.PENDING
    ).order_by("-requested_at", "-id").first()


# --- evaluation grades -----------------------------------------------------------------------


def performance_records(*, organization: Organization) -> list[PerformanceRecord]:
    """The organization's published evaluations (performance history), newest first; the caller has already
    checked access to ``organization``."""
    return list(PerformanceRecord.objects.filter(organization=organization).order_by("-period", "-id"))


def grade_bands(*, tenant) -> dict[str, int]:
    """Lower bound of each grade; the national example bands unless the tenant set all five."""
    configured = dict(GradeBand.objects.filter(tenant=tenant).values_list("grade", "min_score"))
    if set(configured) == set(DEFAULT_GRADE_BANDS):
        return {grade.value: configured[grade.value] for grade in GRADE_ORDER}
    return dict(DEFAULT_GRADE_BANDS)


def grade_for_score(*, tenant, score: int) -> str:
    bands = grade_bands(tenant=tenant)
    for grade in GRADE_ORDER:
        if score >= bands[grade.value]:
            return grade.value
    return Grade.A1.value  # below the configured 1A bound: still the lowest grade


def grade_eligibility(*, organization: Organization, on_date: datetime.date) -> list[str]:
    """Why ``organization`` may not be evaluated on ``on_date`` (an empty list: it may).

    The annual reports checked are those of the two calendar years before ``on_date``.
    """
    reasons: list[str] = []
    registered = organization.registered_date
    if registered is None:
        reasons.append(_("The registration date is not recorded."))
    elif registered + relativedelta(years=GRADE_ELIGIBLE_AFTER_YEARS) > on_date:
        reasons.append(_("Registered on %(date)s: evaluation needs two full years of registration.")
                       % {"date": registered.isoformat()})
    if organization.status != OrgStatus.ACTIVE:
        reasons.append(_("The organization is not active (status: %(status)s).")
                       % {"status": organization.get_status_display()})
    years = [on_date.year - 1, on_date.year - 2]
    reports = {
        report.year: report
        for report in AnnualReport.objects.filter(organization_id=organization.pk, year__in=years)
    }
    for year in years:
        report = reports.get(year)
        if report is None:
            reasons.append(_("The annual report for %(year)s is missing.") % {"year": year})
        elif report.status != ReportStatus.REVIEWED:
            reasons.append(_("The annual report for %(year)s has not been reviewed.") % {"year": year})
        elif report.conclusion == Conclusion.UNQUALIFIED:
            reasons.append(_("The annual report for %(year)s was concluded unqualified.") % {"year": year})
    if CreditRecord.objects.filter(
        organization_id=organization.pk, list_type=CreditList.SERIOUS, removed_on__isnull=True
    ).exists():
        reasons.append(_("The organization is on the serious dishonesty list."))
    return reasons


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)
