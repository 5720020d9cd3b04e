"""Row functions of the registry's list APIs (``governance.api.lists``): ``.values()`` rows → output dicts.

Each gives exactly what its serializer in ``orgs.api.serializers`` gives for the same row
(``orgs/tests/test_api_lists.py`` compares them); the serializers still document the shape and serve details.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from governance.api.lists import choice_labels, date_out, datetime_out, decimal_out, display
from orgs.models import (
    Conclusion,
    CreditList,
    CreditReason,
    FilingStatus,
    GradeStatus,
    OrganizationDomain,
    OrgKind,
    OrgStatus,
    ReportAttachment,
    ReportStatus,
)
from orgs.permissions import contact_phone_masker

ORGANIZATION_COLUMNS = (
    "id", "name", "kind", "uscc", "filing_number", "status", "region_id", "region__name", "region__code", "region__path",
    "legal_representative", "contact_person", "contact_phone", "email", "address", "established_date",
    "registered_date", "supervising_unit", "staff_fulltime", "staff_social_workers", "retired_cadre_leaders",
    "volunteers", "funding_sources", "party_coverage", "current_grade", "credit_list", "created_at", "updated_at",
)


ANNOTATED = ("current_grade", "credit_list")  # orgs.selectors.organization_list's annotations


def organization_values(prefix: str = "") -> tuple[str, ...]:
    """The columns of ``organization_rows``; nested under ``prefix`` (a filing's organization) without the
    annotations, which the serializer then shows as null too."""
    return tuple(prefix + column for column in ORGANIZATION_COLUMNS if not (prefix and column in ANNOTATED))


def domains_of(org_ids) -> dict[int, list[str]]:
    """The service domains of these organizations, one query."""
    domains: dict[int, list[str]] = defaultdict(list)
    for org_id, domain in (OrganizationDomain.objects.filter(organization_id__in=list(org_ids))
                           .order_by("organization_id", "id").values_list("organization_id", "domain")):
        domains[org_id].append(domain)
    return domains


def organization_rows(rows: list[dict], prefix: str = "", *, user) -> list[dict]:
    """``OrganizationOutputSerializer`` for ``.values(*organization_values(prefix))`` rows, as ``user`` sees them
    (contact phones masked for read-only roles, ``orgs.permissions.contact_phone_masker``)."""
    kinds, statuses = choice_labels(OrgKind), choice_labels(OrgStatus)
    phone = contact_phone_masker(user)
    domains = domains_of(row[prefix + "id"] for row in rows)
    tz = timezone.get_current_timezone()
    out = []
    for row in rows:
        def v(name, row=row):
            return row[prefix + name]
        out.append({
            "id": v("id"), "name": v("name"), "kind": v("kind"), "kind_display": display(kinds, v("kind")),
            "uscc": v("uscc"), "filing_number": v("filing_number"), "status": v("status"),
            "status_display": display(statuses, v("status")), "region": v("region_id"),
            "region_name": v("region__name"), "region_code": v("region__code"),
            "legal_representative": v("legal_representative"), "contact_person": v("contact_person"),
            "contact_phone": phone(v("contact_phone"), region_path=v("region__path"), organization_id=v("id")),
            "email": v("email"), "address": v("address"),
            "established_date": date_out(v("established_date")), "registered_date": date_out(v("registered_date")),
            "supervising_unit": v("supervising_unit"), "staff_fulltime": v("staff_fulltime"),
            "staff_social_workers": v("staff_social_workers"), "retired_cadre_leaders": v("retired_cadre_leaders"),
            "volunteers": v("volunteers"), "funding_sources": v("funding_sources"),
            "party_coverage": v("party_coverage"), "domains": domains.get(v("id"), []),
            "current_grade": row.get(prefix + "current_grade"), "credit_list": row.get(prefix + "credit_list"),
            "created_at": datetime_out(v("created_at"), tz), "updated_at": datetime_out(v("updated_at"), tz),
        })
    return out


FILING_VALUES = ("id", "status", "submitted_at", "decided_at", "rejection_reason", *organization_values("organization__"))


def filing_rows(rows: list[dict], *, user) -> list[dict]:
    """``FilingOutputSerializer``: the filing and its organization."""
    statuses = choice_labels(FilingStatus)
    organizations = organization_rows(rows, prefix="organization__", user=user)
    return [
        {"id": row["id"], "status": row["status"], "status_display": display(statuses, row["status"]),
         "submitted_at": datetime_out(row["submitted_at"]), "decided_at": datetime_out(row["decided_at"]),
         "rejection_reason": row["rejection_reason"], "organization": organization}
        for row, organization in zip(rows, organizations, strict=True)
    ]


INCOMES = ("income_government", "income_donations", "income_dues", "income_services", "income_other")
REPORT_MONEY = (*INCOMES, "spending", "net_assets")
REPORT_VALUES = ("id", "organization_id", "year", "due_date", "status", *REPORT_MONEY, "activities_summary",
                 "party_building_report", "submitted_at", "conclusion", "review_note", "reviewed_at")


def annual_report_rows(rows: list[dict]) -> list[dict]:
    """``AnnualReportOutputSerializer``, attachments in one query."""
    from orgs.models import AnnualReport

    statuses, conclusions = choice_labels(ReportStatus), choice_labels(Conclusion)
    places = {name: AnnualReport._meta.get_field(name).decimal_places for name in REPORT_MONEY}
    attachments: dict[int, list[dict]] = defaultdict(list)
    for report_id, pk, name in (ReportAttachment.objects.filter(report_id__in=[row["id"] for row in rows])
                                .order_by("id").values_list("report_id", "id", "name")):
        attachments[report_id].append({"id": pk, "name": name})
    out = []
    for row in rows:
        item = {"id": row["id"], "organization": row["organization_id"], "year": row["year"],
                "due_date": date_out(row["due_date"]), "status": row["status"],
                "status_display": display(statuses, row["status"])}
        item.update({name: decimal_out(row[name], places[name]) for name in INCOMES})
        item["total_income"] = decimal_out(sum(row[name] for name in INCOMES), 2)  # the model's property
        item.update({name: decimal_out(row[name], places[name]) for name in REPORT_MONEY[len(INCOMES):]})
        item.update({
            "activities_summary": row["activities_summary"], "party_building_report": row["party_building_report"],
            "submitted_at": datetime_out(row["submitted_at"]), "conclusion": row["conclusion"],
            "conclusion_display": display(conclusions, row["conclusion"]), "review_note": row["review_note"],
            "reviewed_at": datetime_out(row["reviewed_at"]), "attachments": attachments.get(row["id"], []),
        })
        out.append(item)
    return out


GRADE_VALUES = ("id", "grade", "score", "awarded_date", "expires_date", "status", "expiry_flagged_on", "note")


def grade_rows(rows: list[dict]) -> list[dict]:
    """``GradeOutputSerializer``."""
    statuses = choice_labels(GradeStatus)
    return [
        {"id": row["id"], "grade": row["grade"], "score": row["score"], "awarded_date": date_out(row["awarded_date"]),
         "expires_date": date_out(row["expires_date"]), "status": row["status"],
         "status_display": display(statuses, row["status"]), "expiry_flagged_on": date_out(row["expiry_flagged_on"]),
         "note": row["note"]}
        for row in rows
    ]


CREDIT_RECORD_VALUES = ("id", "list_type", "reason", "source", "listed_on", "decision_number", "note",
                        "annual_report_id", "rectification_applied_on", "rectification_verified_on", "removed_on",
                        "removal_reason", "moved_to_id")


def credit_record_rows(rows: list[dict]) -> list[dict]:
    """``CreditRecordOutputSerializer``."""
    lists, reasons = choice_labels(CreditList), choice_labels(CreditReason)
    return [
        {"id": row["id"], "list_type": row["list_type"], "list_display": display(lists, row["list_type"]),
         "reason": row["reason"], "reason_display": display(reasons, row["reason"]),
         "source": row["source"],
         "listed_on": date_out(row["listed_on"]), "decision_number": row["decision_number"], "note": row["note"],
         "annual_report": row["annual_report_id"],
         "rectification_applied_on": date_out(row["rectification_applied_on"]),
         "rectification_verified_on": date_out(row["rectification_verified_on"]),
         "removed_on": date_out(row["removed_on"]), "removal_reason": row["removal_reason"],
         "moved_to": row["moved_to_id"], "is_active": row["removed_on"] is None}
        for row in rows
    ]
