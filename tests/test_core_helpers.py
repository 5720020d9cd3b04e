"""The core's one tenant guard, one ``actor_or_none`` and bulk audit (``audit_record_many``)."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from governance.audit import audit_record, audit_record_many
from governance.exceptions import ApplicationError
from governance.models import AuditEvent, User
from governance.request_context import RequestInfo, reset_request_info, set_request_info
from governance.tenancy import (
    ALL_TENANTS,
    actor_or_none,
    all_tenants,
    no_tenant,
    require_tenant,
    tenant_context,
)


def test_require_tenant_returns_the_active_tenant(tree_a):
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        assert require_tenant() == tenant
        assert require_tenant(tenant) == tenant
        assert require_tenant(tenant, allow_all=True) == tenant


def test_require_tenant_refuses_no_scope_another_tenant_and_all_tenants(tree_a, tree_b):
    a, b = tree_a["tenant"], tree_b["tenant"]
    with no_tenant(), pytest.raises(ApplicationError):
        require_tenant()
    with no_tenant(), pytest.raises(ApplicationError):
        require_tenant(a, allow_all=True)
    with tenant_context(b), pytest.raises(ApplicationError):
        require_tenant(a)
    with tenant_context(b), pytest.raises(ApplicationError):
        require_tenant(a, allow_all=True)
    with all_tenants(), pytest.raises(ApplicationError):
        require_tenant(a)
    with all_tenants(), pytest.raises(ApplicationError):
        require_tenant()
    with all_tenants():
        assert require_tenant(a, allow_all=True) is ALL_TENANTS


def test_actor_or_none(users):
    user = users["street_a"]
    assert actor_or_none(user) is user
    assert actor_or_none(None) is None
    assert actor_or_none(AnonymousUser()) is None
    assert actor_or_none(User(username="unsaved")) is None


def test_audit_record_many_writes_one_event_per_object_in_one_insert(tree_a, users):
    tenant = tree_a["tenant"]
    token = set_request_info(RequestInfo(request_id="req-bulk", ip_address="203.0.113.9"))
    try:
        with tenant_context(tenant):
            regions = [tree_a["community"], tree_a["community2"], tree_a["grid"]]
            with transaction.atomic(), CaptureQueriesContext(connection) as queries:
                events = audit_record_many(actor=users["admin_a"], action="region.touch", objs=regions,
                                           changes=lambda region: {"code": region.code, "level": region.level})
            inserts = [q for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("INSERT")]
            assert len(inserts) == 1
            assert len(events) == 3
            stored = list(AuditEvent.objects.filter(action="region.touch").order_by("object_id"))
    finally:
        reset_request_info(token)
    assert sorted(e.object_id for e in stored) == sorted(str(r.pk) for r in regions)
    by_id = {e.object_id: e for e in stored}
    for region in regions:
        event = by_id[str(region.pk)]
        assert event.region_path == region.path
        assert event.actor_id == users["admin_a"].pk
        assert event.actor_repr == str(users["admin_a"])
        assert event.changes == {"code": region.code, "level": region.level}
        assert event.object_repr == str(region)
        assert (event.request_id, event.ip_address) == ("req-bulk", "203.0.113.9")


def test_audit_record_many_matches_audit_record_field_by_field(tree_a):
    """The bulk path writes the same event as one ``audit_record`` call would (system actor, dates as text)."""
    tenant = tree_a["tenant"]
    region = tree_a["street"]
    changes = {"on": datetime.date(2024, 3, 1), "ids": (1, 2)}
    with tenant_context(tenant), transaction.atomic():
        one = audit_record(actor=None, action="x.one", obj=region, changes=changes)
        (many,) = audit_record_many(actor=None, action="x.one", objs=[region], changes=lambda r: changes,
                                    tenant=tenant)
    fields = ["tenant_id", "region_path", "actor_id", "actor_repr", "action", "content_type_id", "object_id",
              "object_repr", "changes", "request_id", "ip_address"]
    assert {f: getattr(one, f) for f in fields} == {f: getattr(many, f) for f in fields}
    assert many.actor_repr == "system"
    assert many.changes == {"on": "2024-03-01", "ids": [1, 2]}


def test_audit_record_many_takes_the_object_repr_from_the_caller_and_resolves_the_actor_once(tree_a, users):
    """A scan passes a cheaper ``object_repr``; the actor's name and each model's content type are looked up
    once per call, not per object."""
    tenant, actor = tree_a["tenant"], users["admin_a"]
    regions = [tree_a["community"], tree_a["community2"], tree_a["street"]]
    with tenant_context(tenant), transaction.atomic(), \
            mock.patch.object(type(actor), "__str__", autospec=True, return_value="管理员") as named:
        events = audit_record_many(actor=actor, action="region.touch", objs=[*regions, tenant],
                                   object_repr=lambda obj: f"#{obj.pk}")
    assert named.call_count == 1
    assert [e.object_repr for e in events] == [f"#{obj.pk}" for obj in [*regions, tenant]]
    assert {e.actor_repr for e in events} == {"管理员"}
    assert [e.content_type.model for e in events] == ["region", "region", "region", "tenant"]


def test_audit_record_many_needs_a_transaction_and_writes_nothing_for_no_objects(tree_a):
    tenant = tree_a["tenant"]
    region = tree_a["street"]
    with tenant_context(tenant):
        before = AuditEvent.objects.count()
        with CaptureQueriesContext(connection) as queries:
            assert audit_record_many(actor=None, action="x", objs=[]) == []
        assert len(queries) == 0
        with mock.patch.object(connection, "in_atomic_block", False), pytest.raises(RuntimeError):
            audit_record_many(actor=None, action="x", objs=[region], tenant=tenant)
        assert AuditEvent.objects.count() == before


@pytest.mark.postgres
def test_audit_record_many_through_copy_writes_what_the_orm_path_writes(tree_a, users):
    """From ``COPY_AT`` events on, PostgreSQL gets them through COPY: the same fields, JSON included, with
    primary keys set on the returned events."""
    from governance import audit

    tenant = tree_a["tenant"]
    regions = [tree_a["community"], tree_a["community2"], tree_a["grid"]] * (audit.COPY_AT // 3 + 1)
    changes = {"on": datetime.date(2024, 3, 1), "text": "制表\t换行\n反斜杠\\", "n": 3, "nested": {"1": [1.5]}}
    token = set_request_info(RequestInfo(request_id="req-copy", ip_address="203.0.113.9"))
    try:
        with tenant_context(tenant), transaction.atomic():
            copied = audit_record_many(actor=users["admin_a"], action="x.copy", objs=regions,
                                       changes=lambda r: changes)
            with mock.patch.object(audit, "COPY_AT", 10**9):
                plain = audit_record_many(actor=users["admin_a"], action="x.orm", objs=regions[:1],
                                          changes=lambda r: changes)
            stored = {e.pk: e for e in AuditEvent.objects.filter(action="x.copy")}
            orm = AuditEvent.objects.get(action="x.orm")
    finally:
        reset_request_info(token)
    assert len(copied) == len(regions) == len(stored) and all(e.pk in stored for e in copied)
    fields = ["tenant_id", "region_path", "actor_id", "actor_repr", "content_type_id", "object_id", "object_repr",
              "changes", "request_id", "ip_address"]
    first = stored[copied[0].pk]
    assert {f: getattr(first, f) for f in fields} == {f: getattr(orm, f) for f in fields}
    assert first.changes == {"on": "2024-03-01", "text": "制表\t换行\n反斜杠\\", "n": 3, "nested": {"1": [1.5]}}
    assert plain[0].pk == orm.pk and first.created_at is not None
