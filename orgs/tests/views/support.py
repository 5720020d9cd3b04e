"""Helpers of the workflow page tests: English responses, organizations, filings, reports and change requests."""

from __future__ import annotations

from django.urls import reverse

from governance.models import StatusChange
from governance.tenancy import tenant_context
from orgs import services
from orgs.models import Filing, Organization
from orgs.tests.factories import OrganizationFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # assert on the English source strings


def body(response) -> str:
    return response.content.decode()


def make_org(tree, region_key="community", **fields) -> Organization:
    with tenant_context(tree["tenant"]):
        return OrganizationFactory(region=tree[region_key], **fields)


def refresh(tree, obj):
    with tenant_context(tree["tenant"]):
        obj.refresh_from_db()
        if isinstance(obj, Filing):
            obj.organization  # noqa: B018 - load it inside the tenant (RLS hides it outside)
    return obj


def filing_data(tree, **overrides) -> dict:
    data = {
        "region": tree["community"].pk, "name": "建设社区夕阳红志愿服务队", "legal_representative": "王芳",
        "contact_person": "王芳", "contact_phone": "13800000000", "email": "", "address": "建设路8号",
        "established_date": "2023-05-01", "supervising_unit": "建设社区居委会", "volunteers": "25",
        "domains": ["elderly", "volunteering"],
    }
    data.update(overrides)
    return data


def transition(client, filing, to, note="", **extra):
    return client.post(reverse("orgs:filing-transition", args=[filing.pk]), {"to": to, "note": note},
                       follow=True, **EN, **extra)


def changes_of(tree, obj) -> int:
    with tenant_context(tree["tenant"]):
        return StatusChange.objects.filter(object_id=str(obj.pk), workflow__in=["filing", "annual_report"]).count()


def report_data(**overrides) -> dict:
    data = {"income_government": "120000.00", "income_donations": "3000", "income_dues": "0",
            "income_services": "1500.50", "income_other": "0", "spending": "98000", "net_assets": "42000",
            "activities_summary": "全年开展助老活动 36 场", "party_building_report": "成立联合党支部"}
    data.update(overrides)
    return data


def change_request_for(tree, org, user, **changes):
    with tenant_context(tree["tenant"]):
        return services.portal_update(actor=user, organization=org, **changes)[1]
