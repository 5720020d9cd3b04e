"""List APIs cost the same number of queries whatever the number of rows on the page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.tenancy import tenant_context
from orgs.models import OrganizationDomain, ServiceDomain
from orgs.tests.factories import FilingFactory

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_filing_list_api_has_no_query_per_row(tree_a, users, api_for):
    client = api_for(users["admin_a"])
    counts = []
    for size in (2, 12):
        with tenant_context(tree_a["tenant"]):
            for filing in FilingFactory.create_batch(size, region=tree_a["community"]):
                OrganizationDomain.objects.create(tenant=tree_a["tenant"], organization=filing.organization,
                                                  domain=ServiceDomain.ELDERLY)
        counts.append(_queries(client, "/api/v1/filings/?page_size=50"))
    assert counts[0] == counts[1]
