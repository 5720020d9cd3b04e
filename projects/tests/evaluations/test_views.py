"""Evaluation pages: scoping (tenant B, outside the jurisdiction, another organization → 404; drafts never in
the portal), publication through HTTP (confirmation page, workflow, audit, notification, refused twice and
frozen by the database), the breakdown and the recomputation check, filters and bad input, the Excel
export, the 待办 entry and exact query counts at two sizes on both lists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from governance.models import AuditEvent, Notification, StatusChange
from projects.models import Evaluation, EvaluationStatus
from projects.services import evaluations as services
from projects.tests.factories import ContractFactory

from .conftest import END, MIDTERM_RUN, START

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(world, contract):
    services.evaluations_run(tenant=world.tenant, today=MIDTERM_RUN)
    return Evaluation.objects.get()


def _make_rows(world, *, published: bool):
    """``make(n)``: n contracts of the bidder's first organization, each with one evaluation (no services)."""
    def make(n):
        now = timezone.now()
        for _ in range(n):
            contract = ContractFactory(application=world.application, organization=world.orgs[0], status="active",
                                       signed_on=START, start_date=START, end_date=END)
            Evaluation.objects.create(
                tenant=world.tenant, contract=contract, kind="midterm", period=datetime.date(2026, 6, 30),
                score=Decimal("81.50"), band="good", satisfaction=Decimal("80"), ratings=12,
                breakdown={"indicators": {"score": "80.00"}}, input_snapshot={"n": n}, input_hash="0" * 64,
                formula_version="2026.1", computed_at=now,
                status=EvaluationStatus.PUBLISHED if published else EvaluationStatus.COMPUTED,
                published_at=now if published else None)
    return make


def test_pages_are_scoped_and_drafts_stay_out_of_the_portal(world, evaluation, users, client_for):
    staff = [f"/projects/evaluations/{evaluation.pk}/", f"/projects/evaluations/{evaluation.pk}/publish/"]
    for url in staff:
        assert client_for(world.street).get(url).status_code == 200
        assert client_for(users["street2_a"]).get(url).status_code == 404  # outside the jurisdiction
        assert client_for(users["street_b"]).get(url).status_code == 404  # another tenant
        assert client_for(world.bidder).get(url).status_code == 404  # the organization, on a staff page
    number = evaluation.contract.number
    assert number in client_for(world.street).get("/projects/evaluations/").content.decode()
    assert number not in client_for(users["street2_a"]).get("/projects/evaluations/").content.decode()
    assert client_for(users["street_b"]).get("/projects/evaluations/").status_code in (200, 404)
    assert number not in client_for(users["street_b"]).get("/projects/evaluations/").content.decode()
    portal = f"/projects/portal/evaluations/{evaluation.pk}/"
    # Awaiting publication: the organization does not see it, not even by its id.
    assert client_for(world.bidder).get(portal).status_code == 404
    assert number not in client_for(world.bidder).get("/projects/portal/evaluations/").content.decode()
    services.evaluation_publish(actor=world.street, evaluation=evaluation)
    assert client_for(world.bidder).get(portal).status_code == 200
    assert number in client_for(world.bidder).get("/projects/portal/evaluations/").content.decode()
    assert client_for(world.other_org_user).get(portal).status_code == 404  # another organization
    assert number not in client_for(world.other_org_user).get("/projects/portal/evaluations/").content.decode()
    assert client_for(world.street).get(portal).status_code == 404
    # Publishing from outside the buyer's jurisdiction: 404, nothing written.
    other = Evaluation.objects.filter(pk=evaluation.pk)
    assert client_for(users["street2_a"]).post(f"/projects/evaluations/{evaluation.pk}/publish/").status_code == 404
    assert other.get().published_by == world.street


def test_publish_through_the_confirmation_page(world, evaluation, client_for, users):
    staff = client_for(world.street)
    detail = staff.get(f"/projects/evaluations/{evaluation.pk}/").content.decode()
    assert "待发布" in detail and "发布…" in detail
    # The breakdown: every component with its inputs, weight and score; the hash, the version, the check.
    for text in ("指标完成度", "居民满意度", "资金使用合规", "报告及时性", "专家及第三方评分", "77.89", "98.00",
                 "66.67", "87.50", "85.00, 90.00", evaluation.input_hash, evaluation.formula_version,
                 "按快照重新计算", "一致"):
        assert text in detail, text
    page = staff.get(f"/projects/evaluations/{evaluation.pk}/publish/").content.decode()
    assert "发布后评估结果不再改变" in page and "82.34" in page
    # Community staff of the applying unit may read it but not publish it (the buyer is the street).
    assert client_for(users["community_a"]).get(f"/projects/evaluations/{evaluation.pk}/").status_code == 200
    assert client_for(users["community_a"]).post(f"/projects/evaluations/{evaluation.pk}/publish/").status_code == 404
    assert Evaluation.objects.get().status == EvaluationStatus.COMPUTED
    response = staff.post(f"/projects/evaluations/{evaluation.pk}/publish/", {"note": "经复核"}, follow=True)
    assert "评估已发布" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PUBLISHED and evaluation.published_by == world.street
    assert evaluation.published_at is not None
    change = StatusChange.objects.get(workflow="evaluation", object_id=str(evaluation.pk))
    assert (change.from_status, change.to_status, change.note) == ("computed", "published", "经复核")
    assert AuditEvent.objects.filter(action="evaluation.published", object_id=str(evaluation.pk)).count() == 1
    assert "已计算，待发布 → 已发布 — 经复核" in staff.get(f"/projects/evaluations/{evaluation.pk}/").content.decode()
    note = Notification.objects.get(recipient=world.bidder, kind="projects.evaluation_published")
    assert "82.34" in note.title and note.url == f"/projects/portal/evaluations/{evaluation.pk}/"
    # A second publication is refused with a clear message, nothing changes.
    again = staff.post(f"/projects/evaluations/{evaluation.pk}/publish/", follow=True).content.decode()
    assert "该评估已发布" in again
    assert StatusChange.objects.filter(workflow="evaluation").count() == 1
    portal = client_for(world.bidder).get(f"/projects/portal/evaluations/{evaluation.pk}/").content.decode()
    assert "82.34" in portal and "指标完成度" in portal and evaluation.input_hash in portal


def test_publication_flows_back_to_the_organization_record(world, evaluation, client_for, users):
    from orgs.models import Organization, PerformanceRecord

    client_for(world.street).post(f"/projects/evaluations/{evaluation.pk}/publish/")
    organization = Organization.objects.get(pk=evaluation.contract.organization_id)
    record = PerformanceRecord.objects.get(organization=organization)
    assert (record.evaluation_id, record.contract_id, record.contract_number, record.kind, record.period) == (
        evaluation.pk, evaluation.contract_id, evaluation.contract.number, "midterm", datetime.date(2026, 9, 30))
    assert (record.score, record.band, record.satisfaction, record.ratings) == (
        Decimal("82.34"), "good", Decimal("80.00"), 2)
    # Satisfaction 80 from the 2 paper surveys of May (the only evaluation with ratings).
    assert (organization.satisfaction_mean, organization.satisfaction_ratings) == (Decimal("80.00"), 2)
    url = f"/orgs/{organization.pk}/?tab=performance"
    page = client_for(world.street).get(url).content.decode()
    assert "服务绩效" in page and evaluation.contract.number in page and "82.34" in page and "80.00" in page
    assert client_for(users["street2_a"]).get(url).status_code == 404  # outside the jurisdiction
    assert client_for(users["street_b"]).get(url).status_code == 404  # another tenant
    # The admin shows the history and the satisfaction read-only.
    admin = client_for(users["admin_a"])
    change = admin.get(f"/admin/orgs/organization/{organization.pk}/change/").content.decode()
    assert evaluation.contract.number in change and "80.00" in change
    assert admin.get(f"/admin/orgs/performancerecord/{record.pk}/change/").status_code == 200
    admin.post(f"/admin/orgs/performancerecord/{record.pk}/change/", {"score": "10"})
    assert admin.get("/admin/orgs/performancerecord/add/").status_code == 403
    assert PerformanceRecord.objects.get().score == Decimal("82.34")


def test_a_published_row_is_frozen_by_the_database(world, evaluation):
    services.evaluation_publish(actor=world.street, evaluation=evaluation)
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        Evaluation.objects.filter(pk=evaluation.pk).update(score=Decimal("99"))
    assert Evaluation.objects.get().score == Decimal("82.34")


def test_filters_sorting_and_bad_input_never_fail(world, evaluation, client_for):
    staff = client_for(world.street)
    number = evaluation.contract.number
    for query, shown in (("?kind=midterm", True), ("?kind=final", False), ("?band=good", True), ("?band=fail", False),
                         ("?status=computed", True), ("?status=published", False), ("?year=2026", True),
                         ("?year=2025", False), (f"?contract={evaluation.contract_id}", True),
                         (f"?contract={evaluation.contract_id + 999}", False), (f"?q={number}", True),
                         ("?q=无此合同", False), ("?sort=-score", True), ("?sort=organization", True)):
        response = staff.get("/projects/evaluations/" + query)
        assert response.status_code == 200, query
        assert (number in response.content.decode()) is shown, query
    for query in ("?kind=bogus", "?year=abc", "?year=99999", "?contract=-1", "?contract=x" * 3, "?sort=bogus",
                  "?page=999", "?page=abc", "?q=" + "长" * 500, "?band=%E2%80%AE"):
        assert staff.get("/projects/evaluations/" + query).status_code == 200, query
        assert client_for(world.bidder).get("/projects/portal/evaluations/" + query).status_code == 200, query
    assert staff.get("/projects/evaluations/999999/").status_code == 404


def test_export_is_filtered_and_audited(world, evaluation, client_for, users):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client_for(world.street).get("/projects/evaluations/export/?kind=midterm")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("合同编号", "项目名称", "服务机构", "评估类型", "评估截至", "得分")
    assert [r[0] for r in rows[1:]] == [evaluation.contract.number]
    assert AuditEvent.objects.filter(action="evaluation.export").count() == 1
    empty = client_for(users["street2_a"]).get("/projects/evaluations/export/")
    assert len(list(load_workbook(BytesIO(b"".join(empty.streaming_content))).active.iter_rows())) == 1
    assert client_for(world.bidder).get("/projects/evaluations/export/").status_code == 404


def test_todo_counts_evaluations_awaiting_publication(world, evaluation, client_for, users):
    from projects.navigation_evaluations import todos

    assert [(t.label, t.count) for t in todos(world.street)] == [("1 份评估待发布", 1)]
    assert todos(users["street2_a"])[0].count == 0
    assert todos(world.bidder) == []
    services.evaluation_publish(actor=world.street, evaluation=evaluation)
    assert todos(world.street)[0].count == 0


def test_sidebar_links(world, client_for):
    assert "/projects/evaluations/" in client_for(world.street).get("/").content.decode()
    assert "/projects/portal/evaluations/" in client_for(world.bidder).get("/orgs/portal/").content.decode()


def test_staff_list_query_budget(world, client_for, query_budget):
    staff = client_for(world.street)
    query_budget(_make_rows(world, published=False), lambda: staff.get("/projects/evaluations/"), expected=EXPECTED_STAFF,
                 rows=lambda r: len(r.context["page"].object_list))


def test_portal_list_query_budget(world, client_for, query_budget):
    org = client_for(world.bidder)
    query_budget(_make_rows(world, published=True), lambda: org.get("/projects/portal/evaluations/"),
                 expected=EXPECTED_PORTAL, rows=lambda r: len(r.context["page"].object_list))


EXPECTED_STAFF = 6
EXPECTED_PORTAL = 7
