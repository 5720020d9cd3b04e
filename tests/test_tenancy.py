"""Fail-closed tenancy: the ORM refuses to read tenant-owned tables without an active tenant."""

import pytest
from django.contrib.contenttypes.models import ContentType

from governance.models import AuditEvent, Region, RoleAssignment, StatusChange
from governance.tenancy import (
    TenantNotSetError,
    all_tenants,
    get_current_tenant,
    no_tenant,
    tenant_context,
    tenant_owned_models,
)

TENANT_MODELS = [Region, RoleAssignment, AuditEvent, StatusChange]


def _status_change(tenant, region):
    with tenant_context(tenant):
        return StatusChange.objects.create(
            content_type=ContentType.objects.get_for_model(Region), object_id=str(region.pk),
            workflow="test", from_status="a", to_status="b",
        )


@pytest.fixture
def rows(tree_a, tree_b, users):
    """At least one row of every core tenant-owned model in both tenants."""
    return {
        "a": _status_change(tree_a["tenant"], tree_a["street"]),
        "b": _status_change(tree_b["tenant"], tree_b["street"]),
    }


def test_core_models_are_tenant_owned():
    owned = set(tenant_owned_models())
    assert set(TENANT_MODELS) <= owned


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_query_without_tenant_raises(rows, model):
    with no_tenant():
        assert get_current_tenant() is None
        with pytest.raises(TenantNotSetError):
            list(model.objects.all())
        with pytest.raises(TenantNotSetError):
            model.objects.count()
        with pytest.raises(TenantNotSetError):
            model.objects.filter(pk=1).exists()


def test_query_outside_any_scope_raises(rows):
    # Plain test code has no tenant either: the default is closed, not open.
    with pytest.raises(TenantNotSetError):
        Region.objects.first()


def test_empty_queryset_is_allowed_without_tenant(rows):
    with no_tenant():
        assert list(Region.objects.none()) == []


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m.__name__)
def test_tenant_context_returns_only_that_tenants_rows(rows, tree_a, tree_b, model):
    a, b = tree_a["tenant"], tree_b["tenant"]
    with tenant_context(a):
        a_rows = list(model.objects.all())
        assert a_rows, f"fixture should give tenant A some {model.__name__} rows"
        assert {row.tenant_id for row in a_rows} == {a.pk}
    with tenant_context(b):
        b_rows = list(model.objects.all())
        assert b_rows
        assert {row.tenant_id for row in b_rows} == {b.pk}
    with all_tenants():
        assert model.objects.count() == len(a_rows) + len(b_rows)
        assert set(model.objects.values_list("tenant_id", flat=True)) == {a.pk, b.pk}


def test_lookup_of_other_tenants_row_by_pk_finds_nothing(tree_a, tree_b):
    with tenant_context(tree_a["tenant"]):
        assert not Region.objects.filter(pk=tree_b["street"].pk).exists()
        with pytest.raises(Region.DoesNotExist):
            Region.objects.get(pk=tree_b["street"].pk)


def test_saving_row_of_other_tenant_raises(tree_a, tree_b):
    b_street = tree_b["street"]
    with tenant_context(tree_a["tenant"]):
        b_street.name = "被篡改"
        with pytest.raises(TenantNotSetError):
            b_street.save()
        with pytest.raises(TenantNotSetError):
            Region(tenant=tree_b["tenant"], parent=b_street, level=5, code="430202001009",
                   name="x", path=f"{b_street.path}430202001009/", depth=b_street.depth + 1).save()
    with all_tenants():
        assert Region.objects.get(pk=b_street.pk).name == "月塘街道"
        assert not Region.objects.filter(code="430202001009").exists()


def test_new_row_takes_the_active_tenant(tree_a):
    street = tree_a["street"]
    with tenant_context(tree_a["tenant"]):
        region = Region(parent=street, level=5, code="430405001009", name="新社区",
                        path=f"{street.path}430405001009/", depth=street.depth + 1)
        region.save()
    assert region.tenant_id == tree_a["tenant"].pk


def test_contexts_nest_and_restore(tree_a, tree_b):
    a, b = tree_a["tenant"], tree_b["tenant"]
    with tenant_context(a):
        with tenant_context(b):
            assert get_current_tenant() == b
            assert set(Region.objects.values_list("tenant_id", flat=True)) == {b.pk}
        assert get_current_tenant() == a
        assert set(Region.objects.values_list("tenant_id", flat=True)) == {a.pk}
    assert get_current_tenant() is None


def test_context_is_restored_after_an_exception(tree_a):
    with pytest.raises(ValueError):
        with tenant_context(tree_a["tenant"]):
            raise ValueError("boom")
    assert get_current_tenant() is None


def test_tenant_context_needs_a_saved_tenant(db):
    from governance.models import Tenant

    with pytest.raises(TenantNotSetError):
        with tenant_context(None):
            pass
    with pytest.raises(TenantNotSetError):
        with tenant_context(Tenant(name="x", slug="x", root_code="43")):
            pass
