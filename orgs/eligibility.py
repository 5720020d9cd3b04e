"""Registry facts that higher layers judge eligibility on (projects' funding programs, tenders).

One read for many organizations at once, a constant number of queries: status, registration date,
the valid grade, active credit-list entries and the last reviewed annual-inspection conclusion.
The rules themselves belong to the caller (a program declares them); orgs only states the facts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from orgs.models import (
    AnnualReport,
    CreditRecord,
    EvaluationGrade,
    GradeStatus,
    Organization,
    ReportStatus,
)


@dataclass
class CreditEntry:
    list_type: str
    list_label: str
    reason_label: str
    listed_on: datetime.date


@dataclass
class OrganizationFacts:
    organization: Organization
    grade: str = ""
    grade_expires: datetime.date | None = None
    credit_entries: list[CreditEntry] = field(default_factory=list)
    last_conclusion: str = ""
    last_conclusion_label: str = ""
    last_report_year: int | None = None


def organization_facts(*, organization_ids: Iterable[int], on_date: datetime.date) -> dict[int, OrganizationFacts]:
    ids = list(dict.fromkeys(organization_ids))
    facts = {org.pk: OrganizationFacts(organization=org) for org in Organization.objects.filter(pk__in=ids)}
    if not facts:
        return facts
    grades = EvaluationGrade.objects.filter(organization_id__in=facts, status=GradeStatus.VALID,
                                            expires_date__gt=on_date, awarded_date__lte=on_date)
    for grade in grades.only("organization_id", "grade", "expires_date"):
        facts[grade.organization_id].grade = grade.grade
        facts[grade.organization_id].grade_expires = grade.expires_date
    credit = CreditRecord.objects.filter(organization_id__in=facts, removed_on__isnull=True, listed_on__lte=on_date)
    for record in credit.only("organization_id", "list_type", "reason", "listed_on").order_by("listed_on", "id"):
        facts[record.organization_id].credit_entries.append(CreditEntry(
            list_type=record.list_type, list_label=str(record.get_list_type_display()),
            reason_label=str(record.get_reason_display()), listed_on=record.listed_on))
    reports = (AnnualReport.objects.filter(organization_id__in=facts, status=ReportStatus.REVIEWED)
               .exclude(conclusion="").only("organization_id", "year", "conclusion").order_by("year", "id"))
    for report in reports:  # ascending: the latest year wins
        entry = facts[report.organization_id]
        entry.last_conclusion, entry.last_report_year = report.conclusion, report.year
        entry.last_conclusion_label = str(report.get_conclusion_display())
    return facts
