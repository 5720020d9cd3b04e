"""orgs.signals: each change sends its signal exactly once, after the commit; a refusal sends nothing."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction

from governance.exceptions import ApplicationError
from governance.tenancy import tenant_context
from orgs import services, signals
from orgs.models import CreditList, CreditReason, CreditRecord, FilingStatus, Organization, OrgStatus
from orgs.tests.factories import AnnualReportFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


class Received(list):
    """A receiver that records the keyword arguments of every call."""

    def __call__(self, sender, signal, **kwargs):
        self.append({"sender": sender, **kwargs})


@pytest.fixture
def status_changes():
    receiver = Received()
    signals.organization_status_changed.connect(receiver, weak=False)
    yield receiver
    signals.organization_status_changed.disconnect(receiver)


@pytest.fixture
def listings():
    receiver = Received()
    signals.credit_listed.connect(receiver, weak=False)
    yield receiver
    signals.credit_listed.disconnect(receiver)


def test_status_change_is_sent_once_after_the_commit(tree_a, users, status_changes,
                                                     django_capture_on_commit_callbacks):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.organization_set_status(actor=users["admin_a"], organization=org,
                                             status=OrgStatus.SUSPENDED, note="停止活动")
        assert status_changes == []  # not before the commit
        for callback in callbacks:
            callback()
    assert status_changes == [{"sender": Organization, "organization": org, "from_status": OrgStatus.ACTIVE,
                               "to_status": OrgStatus.SUSPENDED}]
    assert status_changes[0]["organization"].status == OrgStatus.SUSPENDED


def test_refused_or_rolled_back_status_changes_send_nothing(tree_a, users, status_changes,
                                                            django_capture_on_commit_callbacks):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(ApplicationError):  # no permission
                services.organization_set_status(actor=users["grid_a"], organization=org,
                                                 status=OrgStatus.SUSPENDED, note="x")
            with pytest.raises(ApplicationError):  # the same status again
                services.organization_set_status(actor=users["admin_a"], organization=org,
                                                 status=OrgStatus.ACTIVE, note="x")

            class Abort(Exception):
                pass

            with pytest.raises(Abort), transaction.atomic():
                services.organization_set_status(actor=users["admin_a"], organization=org,
                                                 status=OrgStatus.DEREGISTERED, note="注销")
                raise Abort
    assert status_changes == []


def test_a_filing_decision_sends_pending_to_active_once(tree_a, users, status_changes,
                                                        django_capture_on_commit_callbacks):
    with tenant_context(tree_a["tenant"]), django_capture_on_commit_callbacks(execute=True):
        filing = services.filing_submit(actor=users["community_a"], region=tree_a["community"],
                                        name="建设社区广场舞队", legal_representative="孙七")
        assert status_changes == []  # a new organization is not a status change
        services.filing_transition(actor=users["community_a"], filing=filing, to=FilingStatus.COMMUNITY_APPROVED)
        assert status_changes == []  # the filing moved, the organization did not
        services.filing_transition(actor=users["street_a"], filing=filing, to=FilingStatus.FILED)
    assert [(c["organization"].pk, c["from_status"], c["to_status"]) for c in status_changes] == [
        (filing.organization_id, OrgStatus.PENDING, OrgStatus.ACTIVE)]


def test_credit_add_sends_credit_listed_once(tree_a, users, listings, django_capture_on_commit_callbacks):
    with tenant_context(tree_a["tenant"]):
        org = OrganizationFactory(region=tree_a["community"])
        with django_capture_on_commit_callbacks(execute=True):
            record = services.credit_add(actor=users["street_a"], organization=org, list_type=CreditList.ABNORMAL,
                                         reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 1, 5))
            with pytest.raises(ApplicationError):  # refused: nothing sent
                services.credit_add(actor=users["grid_a"], organization=org, list_type=CreditList.ABNORMAL,
                                    reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 1, 5))
    assert listings == [{"sender": CreditRecord, "record": record, "organization": org,
                         "list_type": CreditList.ABNORMAL, "automatic": False, "actor": users["street_a"]}]


def test_daily_rules_send_credit_listed_once_per_new_entry(tree_a, listings, django_capture_on_commit_callbacks):
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        late = [OrganizationFactory(region=tree_a["community"]) for _ in range(3)]
        for org in late:
            AnnualReportFactory(organization=org, year=2022, due_date=datetime.date(2023, 5, 31))
        with django_capture_on_commit_callbacks(execute=True):
            services.credit_rules_apply(tenant=tenant, today=datetime.date(2023, 6, 1))
            services.credit_rules_apply(tenant=tenant, today=datetime.date(2023, 6, 1))  # idempotent
        assert sorted(c["organization"].pk for c in listings) == sorted(org.pk for org in late)
        assert {(c["list_type"], c["automatic"], c["actor"]) for c in listings} == {(CreditList.ABNORMAL, True, None)}
        listings.clear()
        # Two full years later the entries move to the serious list: one new listing each.
        with django_capture_on_commit_callbacks(execute=True):
            counts = services.credit_rules_apply(tenant=tenant, today=datetime.date(2025, 6, 1))
    assert counts["moved_to_serious"] == 3
    assert sorted(c["organization"].pk for c in listings) == sorted(org.pk for org in late)
    assert {c["list_type"] for c in listings} == {CreditList.SERIOUS}
    assert all(c["record"].pk and c["record"].list_type == CreditList.SERIOUS for c in listings)
