"""The demo reports: every signed demo contract's past periods are reported through the services, most approved,
one returned with a comment, the newest waiting for review; the evaluation run computes their evaluations; a
second run adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from governance.demo import seed_demo
from governance.models import AuditEvent, Tenant
from governance.tenancy import tenant_context
from orgs.demo import seed_orgs_demo
from projects.demo import seed_for_demo
from projects.demo_ratings import seed_ratings
from projects.demo_reports import RETURN_NOTE, seed_reports
from projects.demo_tenders import seed_tenders
from projects.models import Evaluation, ExpertScore, ProgressReport, ReportStatus


def _state():
    return (sorted(ProgressReport.objects.values_list("pk", "status", "submitted_at")),
            sorted(Evaluation.objects.values_list("pk", "score", "input_hash")), ExpertScore.objects.count(),
            AuditEvent.objects.count())


@pytest.mark.django_db
def test_demo_reports_and_evaluations_once():
    seed_demo(communities_per_street=2, grids_per_community=1)
    seed_orgs_demo(counts={"hengyang": 30, "zhuzhou": 12})
    seed_for_demo()
    seed_tenders()
    seed_ratings()
    seed_reports()
    today = timezone.localdate()
    states = {}
    with tenant_context(Tenant.objects.get(slug="hengyang")):
        past = ProgressReport.objects.filter(period_end__lt=today)
        assert past.exists() and not past.filter(status=ReportStatus.DRAFT).exists()
        assert past.filter(status=ReportStatus.APPROVED).count() > past.count() // 2
        returned = past.get(status=ReportStatus.RETURNED)
        assert returned.review_comment == RETURN_NOTE
        for report in past.filter(status=ReportStatus.APPROVED)[:20]:
            assert report.actuals.count() == report.contract.indicators.count()
            assert report.submitted_at.date() <= today and report.reviewed_at >= report.submitted_at
        assert Evaluation.objects.exists()
        assert all(0 <= e.score <= 100 and len(e.input_hash) == 64 for e in Evaluation.objects.all())
        states["hengyang"] = _state()
    seed_reports()
    with tenant_context(Tenant.objects.get(slug="hengyang")):
        assert _state() == states["hengyang"]
