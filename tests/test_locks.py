"""Row locks go through ``governance.workflows.lock_row`` / ``lock_rows``; services write no ``select_for_update``."""

import pathlib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from governance.models import Region
from governance.workflows import lock_row, lock_rows

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_services_lock_rows_only_through_the_core_helpers():
    """A hand-written ``select_for_update()`` in a service is one more lock nobody reviews with the others."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in ("orgs", "projects", "grid", "party")
        for path in sorted((ROOT / app).glob("services*/**/*.py")) + sorted((ROOT / app).glob("services.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "select_for_update(" in line
    ]
    assert offenders == []


@pytest.mark.django_db
def test_lock_rows_returns_the_matching_rows_in_pk_order(tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]), transaction.atomic():
        streets = lock_rows(Region.objects.filter(parent=tree_a["district"]).order_by("-code"))
        assert [r.pk for r in streets] == sorted([tree_a["street"].pk, tree_a["street2"].pk])
        assert lock_rows(Region.objects.filter(code="none")) == []


@pytest.mark.django_db
def test_lock_row_refreshes_the_named_fields_from_the_locked_row(tree_a, in_tenant):
    street = tree_a["street"]
    with in_tenant(tree_a["tenant"]), transaction.atomic():
        Region.objects.filter(pk=street.pk).update(name="改名街道")
        assert lock_row(street, "name") is street
        assert street.name == "改名街道"


@pytest.mark.postgres
@pytest.mark.django_db
def test_lock_rows_locks_only_its_own_table_on_postgres(tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]), transaction.atomic(), CaptureQueriesContext(connection) as captured:
        lock_rows(Region.objects.filter(parent=tree_a["district"]).select_related("parent"))
    sql = captured.captured_queries[-1]["sql"]
    assert 'FOR UPDATE OF "governance_region"' in sql
    assert 'ORDER BY "governance_region"."id" ASC' in sql


@pytest.mark.postgres
@pytest.mark.django_db
def test_lock_rows_no_key_takes_for_no_key_update(tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]), transaction.atomic(), CaptureQueriesContext(connection) as captured:
        lock_rows(Region.objects.filter(parent=tree_a["district"]), no_key=True)
    assert 'FOR NO KEY UPDATE OF "governance_region"' in captured.captured_queries[-1]["sql"]
