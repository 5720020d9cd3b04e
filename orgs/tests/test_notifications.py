"""The registry's notifications: each event reaches exactly the people it concerns (orgs.notifications)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from conftest import make_user
from governance.models import Notification, Role, User
from governance.tenancy import tenant_context
from orgs import notifications, services
from orgs.models import CreditList, CreditReason, FilingStatus, OrgKind, ReportStatus
from orgs.permissions import forget_memberships
from orgs.tests.factories import (
    AnnualReportFactory,
    CreditRecordFactory,
    MembershipFactory,
    OrganizationFactory,
)

FILING = {"name": "建设社区广场舞队", "legal_representative": "孙七", "contact_phone": "13800000000"}


@pytest.fixture
def a(tree_a):
    with tenant_context(tree_a["tenant"]) as tenant:
        yield tenant


@pytest.fixture
def more(tree_a, users):
    """A second community clerk of 建设社区, a clerk of the neighbouring 和平社区, a second user of the
    organization and a user of another organization."""
    tenant = tree_a["tenant"]
    return {
        "community_a2": make_user(tenant, "community_a2", Role.COMMUNITY_STAFF, tree_a["community"]),
        "community_other": make_user(tenant, "community_other", Role.COMMUNITY_STAFF, tree_a["community_other"]),
        "org_a2": make_user(tenant, "org_a2", Role.ORG_USER, tree_a["root"]),
        "org_other": make_user(tenant, "org_other", Role.ORG_USER, tree_a["root"]),
    }


@pytest.fixture
def org(tree_a, users, more):
    """An association in 建设社区 with org_a and org_a2 as its users; another one with org_other."""
    with tenant_context(tree_a["tenant"]):
        organization = OrganizationFactory(region=tree_a["community"], name="建设社区老年协会")
        MembershipFactory(organization=organization, user=users["org_a"])
        MembershipFactory(organization=organization, user=more["org_a2"])
        neighbour = OrganizationFactory(region=tree_a["community"], name="建设社区书画社")
        MembershipFactory(organization=neighbour, user=more["org_other"])
    return organization


def inbox(kind: str) -> dict[str, list[str]]:
    """``{username: [titles]}`` of the notifications of ``kind`` (in the active tenant)."""
    result: dict[str, list[str]] = {}
    for username, title in Notification.objects.filter(kind=kind).order_by("id").values_list(
            "recipient__username", "title"):
        result.setdefault(username, []).append(title)
    return result


def test_every_kind_is_registered_with_a_translated_label():
    from governance.notifications.kinds import get_kind

    for key in (notifications.FILING_TO_REVIEW, notifications.FILING_DECIDED, notifications.REPORT_RETURNED,
                notifications.CHANGE_REQUEST_DECIDED, notifications.CREDIT_LISTED, notifications.CREDIT_REMOVED):
        assert str(get_kind(key).label) != key


# --- filings ---------------------------------------------------------------------------------


def test_filing_goes_to_the_communitys_staff_then_the_streets_then_back_to_the_applicant(a, tree_a, users, more):
    filing = services.filing_submit(actor=users["org_a"], region=tree_a["community"], **FILING)
    # Community staff of 建设社区 only: not the neighbouring community, not the street, not the admin.
    assert sorted(inbox(notifications.FILING_TO_REVIEW)) == ["community_a", "community_a2"]
    assert inbox(notifications.FILING_TO_REVIEW)["community_a"] == ["“建设社区广场舞队”的备案等待您审核"]
    services.filing_transition(actor=users["community_a"], filing=filing, to=FilingStatus.COMMUNITY_APPROVED)
    # The street's turn: 广东路街道's clerk, not 东风路街道's (street2_a).
    assert sorted(inbox(notifications.FILING_TO_REVIEW)) == ["community_a", "community_a2", "street_a"]
    row = Notification.objects.get(kind=notifications.FILING_TO_REVIEW, recipient=users["street_a"])
    assert row.url == f"/orgs/filings/{filing.pk}/" and "街道审批" in row.body
    services.filing_transition(actor=users["street_a"], filing=filing, to=FilingStatus.FILED)
    decided = Notification.objects.get(kind=notifications.FILING_DECIDED)
    assert decided.recipient == users["org_a"] and "已备案" in decided.title
    assert f"衡社备〔{datetime.date.today().year}〕00001号" in decided.body


def test_staff_submitting_a_filing_is_not_notified_of_it_and_a_rejection_reaches_them(a, tree_a, users, more):
    filing = services.filing_submit(actor=users["community_a"], region=tree_a["community"], **FILING)
    assert list(inbox(notifications.FILING_TO_REVIEW)) == ["community_a2"]
    services.filing_transition(actor=more["community_a2"], filing=filing, to=FilingStatus.REJECTED,
                               note="活动场所不明确")
    decided = Notification.objects.get(kind=notifications.FILING_DECIDED)
    assert decided.recipient == users["community_a"] and "活动场所不明确" in decided.body
    assert not Notification.objects.filter(recipient=users["street_a"]).exists()


def test_refused_step_notifies_nobody(a, tree_a, users, more):
    from governance.exceptions import ApplicationError

    filing = services.filing_submit(actor=users["org_a"], region=tree_a["community"], **FILING)
    before = Notification.objects.count()
    with pytest.raises(ApplicationError):
        services.filing_transition(actor=users["street2_a"], filing=filing, to=FilingStatus.COMMUNITY_APPROVED)
    assert Notification.objects.count() == before


# --- annual reports --------------------------------------------------------------------------


def test_returned_report_notifies_the_organizations_users_in_the_inbox_and_by_email(
        tree_a, users, more, org, client_for, django_capture_on_commit_callbacks):
    User.objects.filter(pk=users["org_a"].pk).update(email="org_a@example.cn")
    with tenant_context(tree_a["tenant"]):
        report = AnnualReportFactory(organization=org, year=2025, status=ReportStatus.SUBMITTED)
    staff = client_for(users["community_a"])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/orgs/reports/{report.pk}/return/", {"note": "财务数据不完整，请补充支出明细"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert sorted(inbox(notifications.REPORT_RETURNED)) == ["org_a", "org_a2"]
        row = Notification.objects.get(kind=notifications.REPORT_RETURNED, recipient=users["org_a"])
    assert "2025" in row.title and "财务数据不完整" in row.body and row.url == f"/orgs/reports/{report.pk}/"
    # E-mail (the console backend outside tests): org_a has an address, org_a2 has none.
    assert [message.to for message in mail.outbox] == [["org_a@example.cn"]]
    assert "财务数据不完整" in mail.outbox[0].body
    # The organization user sees it in the inbox and as a banner on the portal.
    member = client_for(users["org_a"])
    assert "财务数据不完整" in member.get("/notifications/").content.decode()
    portal = member.get("/orgs/portal/").content.decode()
    assert f'id="returned-report-{report.pk}"' in portal and "财务数据不完整，请补充支出明细" in portal


# --- change requests -------------------------------------------------------------------------


def test_change_request_decisions_reach_the_organizations_users(a, users, more, org):
    _org, change_request = services.portal_update(actor=users["org_a"], organization=org, name="新名称")
    services.change_request_decide(actor=users["admin_a"], change_request=change_request, approve=True)
    assert sorted(inbox(notifications.CHANGE_REQUEST_DECIDED)) == ["org_a", "org_a2"]
    assert "已通过" in inbox(notifications.CHANGE_REQUEST_DECIDED)["org_a"][0]
    _org, second = services.portal_update(actor=more["org_a2"], organization=org, name="又一个名称")
    services.change_request_decide(actor=users["admin_a"], change_request=second, approve=False, note="名称重复")
    rejected = Notification.objects.filter(kind=notifications.CHANGE_REQUEST_DECIDED, title__contains="驳回")
    assert sorted(rejected.values_list("recipient__username", flat=True)) == ["org_a", "org_a2"]
    assert all("名称重复" in body for body in rejected.values_list("body", flat=True))


def test_a_new_change_request_reaches_whoever_decides_it(a, tree_a, users, more, org):
    """Issue 7 item 11: a registered organization's change goes to the registration authority; a community
    group's to the staff of its street and community (not the neighbouring community, not another street)."""
    _org, change_request = services.portal_update(actor=users["org_a"], organization=org, name="新名称协会")
    assert sorted(inbox(notifications.CHANGE_REQUEST_TO_DECIDE)) == ["admin_a"]
    row = Notification.objects.get(kind=notifications.CHANGE_REQUEST_TO_DECIDE)
    assert "建设社区老年协会" in row.title and "名称" in row.body and row.url.startswith("/orgs/change-requests/")
    # A second change merges into the pending request: nobody is paged again.
    services.portal_update(actor=users["org_a"], organization=org, legal_representative="赵六")
    assert Notification.objects.filter(kind=notifications.CHANGE_REQUEST_TO_DECIDE).count() == 1
    group = OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                                filing_number="衡社备〔2024〕00001号")
    MembershipFactory(organization=group, user=users["org_a"])
    forget_memberships(users["org_a"])
    Notification.objects.all().delete()
    services.portal_update(actor=users["org_a"], organization=group, legal_representative="钱八")
    assert sorted(inbox(notifications.CHANGE_REQUEST_TO_DECIDE)) == ["community_a", "community_a2", "street_a"]


# --- credit lists ----------------------------------------------------------------------------


def test_credit_listing_and_removal_by_staff(a, users, more, org):
    record = services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                                 reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 3, 1))
    assert sorted(inbox(notifications.CREDIT_LISTED)) == ["org_a", "org_a2"]
    assert "活动异常名录" in inbox(notifications.CREDIT_LISTED)["org_a"][0]
    services.credit_remove(actor=users["street_a"], record=record, removed_on=datetime.date(2025, 4, 1),
                           reason="已取得联系")
    assert sorted(inbox(notifications.CREDIT_REMOVED)) == ["org_a", "org_a2"]
    assert "已取得联系" in Notification.objects.filter(kind=notifications.CREDIT_REMOVED).first().body


def test_daily_rules_notify_once_per_change(a, tree_a, users, more, org):
    late = org
    with tenant_context(tree_a["tenant"]):
        AnnualReportFactory(organization=late, year=2024, due_date=datetime.date(2025, 5, 31))
        neighbour = OrganizationFactory(region=tree_a["community"], name="已注销协会", status="deregistered")
        MembershipFactory(organization=neighbour, user=more["org_other"])
        CreditRecordFactory(organization=neighbour, list_type=CreditList.SERIOUS,
                            reason=CreditReason.REGISTRATION_REVOKED, listed_on=datetime.date(2024, 11, 1))
    services.credit_rules_apply(tenant=tree_a["tenant"], today=datetime.date(2025, 6, 1))
    assert sorted(inbox(notifications.CREDIT_LISTED)) == ["org_a", "org_a2"]
    assert list(inbox(notifications.CREDIT_REMOVED)) == ["org_other"]
    # A second run the same day changes nothing and notifies nobody again.
    before = Notification.objects.count()
    services.credit_rules_apply(tenant=tree_a["tenant"], today=datetime.date(2025, 6, 1))
    assert Notification.objects.count() == before


# --- imports ---------------------------------------------------------------------------------


@pytest.fixture
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("good", [True, False])
def test_import_outcome_reaches_the_uploader_only(tree_a, users, _media, good, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from governance.imports import services as import_services
    from orgs.importing import IMPORTER_KEY
    from orgs.tests.test_importing import make_xlsx, org_row

    rows = [org_row(i) for i in range(3)] if good else [org_row(0, 名称="")]
    upload = SimpleUploadedFile("社会组织.xlsx", make_xlsx(rows))
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tree_a["tenant"]):
        job = import_services.import_job_create(actor=users["admin_a"], tenant=tree_a["tenant"],
                                                importer=IMPORTER_KEY, uploaded_file=upload)
    with tenant_context(tree_a["tenant"]):
        rows = list(Notification.objects.values_list("recipient__username", "kind", "url", "body"))
    kind = "governance.import_finished" if good else "governance.import_failed"
    assert [(username, row_kind, url) for username, row_kind, url, _body in rows] == [
        ("admin_a", kind, f"/imports/jobs/{job.pk}/")]
    assert ("3" if good else "1") in rows[0][3]
