"""List APIs cost exactly the same number of queries whatever the number of rows on the page."""

import pytest

from governance.tenancy import tenant_context
from orgs.models import OrganizationDomain, ServiceDomain
from orgs.tests.factories import FilingFactory

pytestmark = pytest.mark.django_db


def test_filing_list_api_has_no_query_per_row(tree_a, users, api_for, query_budget):
    client = api_for(users["admin_a"])

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for filing in FilingFactory.create_batch(count, region=tree_a["community"]):
                OrganizationDomain.objects.create(tenant=tree_a["tenant"], organization=filing.organization,
                                                  domain=ServiceDomain.ELDERLY)

    query_budget(make_rows, lambda: client.get("/api/v1/filings/?page_size=50"), sizes=(2, 12), expected=5,
                 rows=lambda response: len(response.json()["results"]))
