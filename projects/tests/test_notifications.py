"""Who is told what: program staff of a submission, experts of their draw, the author of the decision."""

from __future__ import annotations

from governance.models import Notification
from governance.tenancy import tenant_context
from projects import services
from projects.notifications import APPLICATION_DECIDED, APPLICATION_TO_REVIEW, REVIEW_ASSIGNED
from projects.tests.conftest import new_application


def _recipients(tenant, kind):
    with tenant_context(tenant):
        return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def test_each_step_notifies_the_right_people(tree_a, users, program, experts, django_capture_on_commit_callbacks):
    tenant = tree_a["tenant"]
    application = new_application(tree_a, users, program)
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        services.application_submit(actor=users["community_a"], application=application)
    # Street staff and the tenant administrator over the program's street; not the other street, not the author.
    assert _recipients(tenant, APPLICATION_TO_REVIEW) == {"street_a", "admin_a"}
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        draw = services.application_start_review(actor=users["street_a"], application=application, seed="notify01")
        drawn = {e.user.username for e in experts if e.pk in draw.result}
    assert _recipients(tenant, REVIEW_ASSIGNED) == drawn and len(drawn) == 3
    with django_capture_on_commit_callbacks(execute=True), tenant_context(tenant):
        services.application_decide(actor=users["street_a"], application=application, to="returned", note="补充数据")
    assert _recipients(tenant, APPLICATION_DECIDED) == {"community_a"}
