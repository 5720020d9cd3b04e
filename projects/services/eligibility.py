"""Eligibility of organizations for a funding program (资格审查), each failed rule explained."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils.translation import gettext as _

from orgs.eligibility import organization_facts
from orgs.models import Conclusion, Grade, OrgStatus
from projects.models import FundingProgram

# Higher is better.
GRADE_RANK = {Grade.A1: 1, Grade.A2: 2, Grade.A3: 3, Grade.A4: 4, Grade.A5: 5}
CONCLUSION_RANK = {Conclusion.UNQUALIFIED: 0, Conclusion.BASICALLY_QUALIFIED: 1, Conclusion.QUALIFIED: 2}


@dataclass(frozen=True)
class Failure:
    rule: str  # min_grade, credit, active, years_registered, last_conclusion
    message: str


def program_rules(program: FundingProgram) -> list[str]:
    """The program's rules in plain words (shown on the call and to applicants)."""
    rules = []
    if program.require_active:
        rules.append(_("The organization is active (not suspended, deregistered or revoked)."))
    if program.require_not_credit_listed:
        rules.append(_("The organization is on no credit list."))
    if program.min_grade:
        rules.append(_("Evaluation grade %(grade)s or higher, still valid.") % {"grade": program.min_grade})
    if program.min_years_registered:
        rules.append(_("Registered for at least %(n)s years.") % {"n": program.min_years_registered})
    if program.min_last_conclusion:
        rules.append(_("Last annual inspection concluded %(conclusion)s or better.")
                     % {"conclusion": Conclusion(program.min_last_conclusion).label})
    return rules


def _failures(program: FundingProgram, facts, on_date: datetime.date) -> list[Failure]:
    org = facts.organization
    out: list[Failure] = []
    if program.require_active and org.status != OrgStatus.ACTIVE:
        out.append(Failure("active", _("The organization's status is “%(status)s”; only active organizations "
                                       "are eligible.") % {"status": org.get_status_display()}))
    if program.require_not_credit_listed:
        for entry in facts.credit_entries:
            out.append(Failure("credit", _("On the %(list)s since %(date)s (%(reason)s): listed organizations "
                                           "may not take part in purchase of services.")
                               % {"list": entry.list_label, "date": entry.listed_on.isoformat(),
                                  "reason": entry.reason_label}))
    if program.min_grade:
        needed = GRADE_RANK[program.min_grade]
        if not facts.grade:
            out.append(Failure("min_grade", _("Needs a valid evaluation grade of %(grade)s or higher; the "
                                              "organization has no valid grade.") % {"grade": program.min_grade}))
        elif GRADE_RANK[facts.grade] < needed:
            out.append(Failure("min_grade", _("Needs evaluation grade %(grade)s or higher; the organization has "
                                              "%(has)s.") % {"grade": program.min_grade, "has": facts.grade}))
    if program.min_years_registered:
        registered = org.registered_date
        if registered is None:
            out.append(Failure("years_registered", _("Needs at least %(n)s years of registration; the "
                                                     "registration date is not recorded.")
                               % {"n": program.min_years_registered}))
        elif registered + relativedelta(years=program.min_years_registered) > on_date:
            out.append(Failure("years_registered", _("Registered on %(date)s; needs at least %(n)s years of "
                                                     "registration (eligible from %(from)s).")
                               % {"date": registered.isoformat(), "n": program.min_years_registered,
                                  "from": (registered + relativedelta(years=program.min_years_registered))
                                  .isoformat()}))
    if program.min_last_conclusion:
        required = Conclusion(program.min_last_conclusion)
        if not facts.last_conclusion:
            out.append(Failure("last_conclusion", _("Needs a last annual inspection concluded %(required)s or "
                                                    "better; no reviewed annual inspection is on record.")
                               % {"required": required.label}))
        elif CONCLUSION_RANK[facts.last_conclusion] < CONCLUSION_RANK[required]:
            out.append(Failure("last_conclusion", _("The last annual inspection (%(year)s) concluded "
                                                    "%(conclusion)s; needs %(required)s or better.")
                               % {"year": facts.last_report_year, "conclusion": facts.last_conclusion_label,
                                  "required": required.label}))
    return out


def eligibility_many(*, program: FundingProgram, organization_ids: Iterable[int],
                     on_date: datetime.date) -> dict[int, list[Failure]]:
    """``{organization id: failures}`` for many organizations in a constant number of queries."""
    facts = organization_facts(organization_ids=organization_ids, on_date=on_date)
    return {pk: _failures(program, entry, on_date) for pk, entry in facts.items()}


def eligibility_explain(*, program: FundingProgram, organization, on_date: datetime.date) -> list[Failure]:
    """Why ``organization`` is not eligible for ``program`` on ``on_date`` (empty: it is)."""
    return eligibility_many(program=program, organization_ids=[organization.pk], on_date=on_date).get(
        organization.pk, [])
