"""Helpers of the service tests: codes, the default organization's fields and ``Unchanged`` (a refusal changes nothing)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from governance.models import StatusChange
from governance.standards import make_uscc
from orgs.models import (
    AnnualReport,
    CreditRecord,
    EvaluationGrade,
    Filing,
    GradeBand,
    InspectionCampaign,
    Organization,
    OrganizationDomain,
    OrgChangeRequest,
    OrgKind,
    OrgMembership,
)
from orgs.tests.factories import audit_actions_since, audit_marker

TODAY = timezone.localdate()


def code(n: int, type_char: str = "1", division: str = "430405") -> str:
    return make_uscc("5", type_char, division, "TK%06d" % n)


def org_rows() -> list[dict]:
    return list(Organization.unscoped.order_by("id").values())


class Unchanged:
    """``with Unchanged(): ...`` asserts that the block wrote no audit event and changed no organization."""

    def __enter__(self):
        self.marker = audit_marker()
        self.orgs = org_rows()
        self.counts = {m: m.unscoped.count() for m in (CreditRecord, AnnualReport, Filing, EvaluationGrade,
                                                        OrgChangeRequest, OrgMembership, OrganizationDomain,
                                                        StatusChange, InspectionCampaign, GradeBand)}
        return self

    def __exit__(self, *exc):
        assert audit_actions_since(self.marker) == []
        assert org_rows() == self.orgs
        assert {m: m.unscoped.count() for m in self.counts} == self.counts
        return False


def bad_check_char(value: str) -> str:
    """``value`` with a wrong GB 32100 check character."""
    wrong = "0" if value[-1] != "0" else "1"
    return value[:-1] + wrong


def create_kwargs(**overrides):
    values = {"name": "珠晖区社会工作服务中心", "kind": OrgKind.SERVICE_INSTITUTION, "uscc": code(1, "2"),
              "legal_representative": "王五", "registered_date": datetime.date(2019, 4, 1),
              "funding_sources": ["government", "donations"]}
    values.update(overrides)
    return values
