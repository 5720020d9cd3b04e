"""Filing numbers in one format per tenant (issue 7 item 12): generated numbers were `430405007-2026-0001`
while the seeded ones read `衡社备〔2024〕00143号`. The tenant administrator sets the format; the running
number is per tenant and year, drawn under a lock, unique per tenant in the database."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from governance.exceptions import ApplicationError
from governance.models import AuditEvent
from governance.registry import nav_entries
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import (
    Filing,
    FilingNumberCounter,
    FilingStatus,
    Organization,
    OrgKind,
    OrgStatus,
    RegistrySettings,
)
from orgs.numbering import DEFAULT_FORMAT, example, format_errors
from orgs.tests.factories import FilingFactory, OrganizationFactory
from orgs.tests.test_concurrency import _in_parallel

YEAR = timezone.localdate().year
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _approve(tree, users, region_key="community"):
    """A filing taken through both steps by the tenant's admin; returns the organization's number."""
    admin = users["admin_a"] if tree["tenant"].slug == "hengyang" else users["admin_b"]
    with tenant_context(tree["tenant"]):
        filing = FilingFactory(region=tree[region_key], status=FilingStatus.COMMUNITY_APPROVED)
        services.filing_transition(actor=admin, filing=filing, to=FilingStatus.FILED)
        return Organization.objects.get(pk=filing.organization_id).filing_number


# --- the format language ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "fragment"), [
    ("{prefix}社备〔{year}〕号", "{seq}"),  # no running number: every number would be the same
    ("{prefix}{seq", "pairs"),
    ("{prefix}{number}{seq}", "{number}"),
    ("{seq.__class__}", "{seq.__class__}"),  # attribute access is not a placeholder
    ("{seq!r}", "conversion"),
    ("{seq:{year}}", "inside another"),
    ("{seq:x5}", "does not fit"),
    ("{prefix:>40}{seq}", "at most 40"),
    ("{prefix}{year}{seq:036d}", "at most 40"),
    (" {seq}", "space"),
])
def test_bad_formats_are_refused_with_a_reason(fmt, fragment):
    with translation.override("en"):
        errors = format_errors(fmt, "衡")
    assert errors and any(fragment in error for error in errors), errors


def test_good_formats_and_their_examples():
    assert format_errors(DEFAULT_FORMAT, "衡") == []
    assert example(DEFAULT_FORMAT, "衡") == "衡社备〔2026〕00001号"
    assert example("{street}-{year}-{seq:04d}", "") == "430405001-2026-0001"
    assert example("社备{seq:06d}", "株") == "社备000001"
    assert format_errors(DEFAULT_FORMAT, "衡阳市民政局社会组织科") != []  # the prefix has at most 10 characters


# --- issued numbers -----------------------------------------------------------------------------------------


def test_approvals_number_in_the_tenants_format_per_tenant_and_year(tree_a, tree_b, users):
    assert _approve(tree_a, users) == f"衡社备〔{YEAR}〕00001号"
    assert _approve(tree_a, users, "community2") == f"衡社备〔{YEAR}〕00002号"
    # Tenant B has its own sequence and its own prefix (from its name, 株洲市民政局).
    assert _approve(tree_b, users) == f"株社备〔{YEAR}〕00001号"
    with tenant_context(tree_a["tenant"]):
        assert FilingNumberCounter.objects.get(year=YEAR).last == 2


def test_numbers_in_use_are_skipped_and_the_database_refuses_a_duplicate(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                            filing_number=f"衡社备〔{YEAR}〕00001号")  # typed in by hand or imported
    assert _approve(tree_a, users) == f"衡社备〔{YEAR}〕00002号"
    with tenant_context(tree_a["tenant"]), pytest.raises(IntegrityError), transaction.atomic():
        OrganizationFactory(region=tree_a["community"], kind=OrgKind.COMMUNITY_GROUP, uscc=None,
                            filing_number=f"衡社备〔{YEAR}〕00002号")


def test_a_rolled_back_approval_gives_its_number_back(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        filing = FilingFactory(region=tree_a["community"], status=FilingStatus.COMMUNITY_APPROVED)
        with pytest.raises(RuntimeError), transaction.atomic():
            services.filing_transition(actor=users["admin_a"], filing=filing, to=FilingStatus.FILED)
            raise RuntimeError("the request failed after the number was drawn")
        assert Filing.objects.get(pk=filing.pk).status == FilingStatus.COMMUNITY_APPROVED
    assert _approve(tree_a, users) == f"衡社备〔{YEAR}〕00001号"


def test_the_admin_changes_the_format_audited_and_the_sequence_goes_on(tree_a, tree_b, users):
    assert _approve(tree_a, users) == f"衡社备〔{YEAR}〕00001号"
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError):
            services.registry_settings_update(actor=users["street_a"], filing_number_format="{seq}",
                                              filing_number_prefix="衡")
        with pytest.raises(ValidationError) as info:
            services.registry_settings_update(actor=users["admin_a"], filing_number_format="{prefix}{year}",
                                              filing_number_prefix="衡")
        assert "filing_number_format" in info.value.message_dict
        assert not RegistrySettings.objects.exists()
        services.registry_settings_update(actor=users["admin_a"], filing_number_format=" {street}-{year}-{seq:04d} ",
                                          filing_number_prefix="衡")
        event = AuditEvent.objects.get(action="registry_settings.update")
        assert event.changes["filing_number_format"] == ["", "{street}-{year}-{seq:04d}"]
        # Saving the same values again changes and audits nothing.
        services.registry_settings_update(actor=users["admin_a"], filing_number_format="{street}-{year}-{seq:04d}",
                                          filing_number_prefix="衡")
        assert AuditEvent.objects.filter(action="registry_settings.update").count() == 1
    assert _approve(tree_a, users) == f"430405001-{YEAR}-0002"
    assert _approve(tree_a, users, "community2") == f"430405002-{YEAR}-0003"
    assert _approve(tree_b, users) == f"株社备〔{YEAR}〕00001号"  # the other tenant is not affected


def test_a_format_without_the_year_numbers_on_across_years(tree_a, users):
    with tenant_context(tree_a["tenant"]):
        services.registry_settings_update(actor=users["admin_a"], filing_number_format="{prefix}社备{seq:05d}号",
                                          filing_number_prefix="衡")
        assert services.filing_numbers_reserve(tenant=tree_a["tenant"], year=2025, streets=["x"]) == ["衡社备00001号"]
        assert services.filing_numbers_reserve(tenant=tree_a["tenant"], year=2026, streets=["x", "x"]) == [
            "衡社备00002号", "衡社备00003号"]
        assert list(FilingNumberCounter.objects.values_list("year", "last")) == [(0, 3)]


# --- the settings page, the menu and the admin ----------------------------------------------------------------


def test_settings_page_for_the_tenant_admin_with_a_live_example(tree_a, tree_b, users, client_for):
    url, preview = reverse("orgs:registry-settings"), reverse("orgs:registry-settings-preview")
    for name in ("street_a", "community_a", "auditor_a", "org_a"):
        assert client_for(users[name]).get(url).status_code == 404, name
        assert client_for(users[name]).get(preview).status_code == 404, name
    admin = client_for(users["admin_a"])
    page = admin.get(url, **EN).content.decode()
    assert 'value="衡"' in page and "衡社备〔2026〕00001号" in page and "Next number this year" in page
    assert 'hx-get="/orgs/settings/preview/"' in page
    fragment = admin.get(preview, {"filing_number_format": "{prefix}-{year}-{seq:03d}",
                                   "filing_number_prefix": "衡"}).content.decode()
    assert "衡-2026-001" in fragment
    fragment = admin.get(preview, {"filing_number_format": "{prefix}{oops}", "filing_number_prefix": "衡"},
                         **EN).content.decode()
    assert "Unknown placeholder {oops}" in fragment and "must contain the running number" in fragment
    response = admin.post(url, {"filing_number_format": "{prefix}", "filing_number_prefix": "衡"}, **EN)
    assert response.status_code == 200 and "must contain the running number" in response.content.decode()
    response = admin.post(url, {"filing_number_format": "{prefix}民社备〔{year}〕{seq:04d}号",
                                "filing_number_prefix": "衡"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert RegistrySettings.objects.get().filing_number_format == "{prefix}民社备〔{year}〕{seq:04d}号"
    assert f"衡民社备〔{YEAR}〕0001号" in admin.get(url).content.decode()
    # Tenant B's administrator sees and changes only B's settings.
    assert 'value="株"' in client_for(users["admin_b"]).get(url).content.decode()
    with tenant_context(tree_b["tenant"]):
        assert not RegistrySettings.objects.exists()


def test_the_menu_offers_the_settings_to_the_tenant_admin_only(users):
    entry = next(entry for entry in nav_entries() if entry.url_name == "orgs:registry-settings")
    assert entry.roles == frozenset({"tenant_admin"})


def test_the_admin_validates_the_format_and_audits_the_change(tree_a, users, client_for):
    with tenant_context(tree_a["tenant"]):
        settings = RegistrySettings.objects.create(filing_number_prefix="衡", filing_number_format=DEFAULT_FORMAT)
    admin = client_for(users["admin_a"])
    url = reverse("admin:orgs_registrysettings_change", args=[settings.pk])
    response = admin.post(url, {"filing_number_prefix": "衡", "filing_number_format": "{prefix}{year}"}, **EN)
    assert response.status_code == 200 and "must contain the running number" in response.content.decode()
    response = admin.post(url, {"filing_number_prefix": "衡", "filing_number_format": "{prefix}{year}{seq:05d}"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert RegistrySettings.objects.get().filing_number_format == "{prefix}{year}{seq:05d}"
        assert AuditEvent.objects.filter(action="registrysettings.admin_change").exists()
    # One row per tenant: no second one is offered.
    assert admin.get(reverse("admin:orgs_registrysettings_add")).status_code == 403
    assert client_for(users["admin_b"]).get(url).status_code in (302, 404)


# --- parallel approvals on PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_approvals_draw_distinct_consecutive_numbers(api_for, users, tree_a):
    assert connection.vendor == "postgresql"
    with tenant_context(tree_a["tenant"]):
        filings = [FilingFactory(region=tree_a["community"], status=FilingStatus.COMMUNITY_APPROVED)
                   for _ in range(6)]
    api = api_for(users["street_a"])
    pending = iter(filings)
    lock = threading.Lock()

    def approve():
        with lock:
            filing = next(pending)
        return api.post(f"/api/v1/filings/{filing.pk}/transition/", {"to": "filed"}, format="json")

    results = _in_parallel(6, approve)
    statuses = [r.status_code if hasattr(r, "status_code") else repr(r) for r in results]
    assert statuses == [200] * 6, statuses
    with tenant_context(tree_a["tenant"]):
        numbers = sorted(Organization.objects.filter(status=OrgStatus.ACTIVE, kind=OrgKind.COMMUNITY_GROUP)
                         .values_list("filing_number", flat=True))
        assert numbers == [f"衡社备〔{YEAR}〕{seq:05d}号" for seq in range(1, 7)]
        assert FilingNumberCounter.objects.get(year=YEAR).last == 6
