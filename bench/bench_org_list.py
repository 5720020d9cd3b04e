"""Benchmark of the organization list: selector + one page, at 1,000 and 10,000 organizations.

    .venv/bin/python bench/bench_org_list.py [--sizes 1000 10000] [--repeat 5]

Uses a throwaway SQLite file under /tmp (or DATABASE_URL if set: point it at a scratch database).
The organizations come from ``orgs.demo.seed_organizations`` (with annual reports, grades and credit
records, so the list's grade/credit annotations have rows to look at). For each size it prints the
median milliseconds and the query count of:

* selector: ``orgs.selectors.organization_list(user=..., filters=...)`` + the first page of 20 rows
  (count, rows, prefetched domains) as a view would evaluate it;
* page: the whole HTML page ``GET /orgs/`` through the Django test client (middleware, template).

for a tenant administrator (whole tenant) and a street user (one street's subtree), without filters
and with a filter (kind + search text).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_import  # noqa: E402 - sets up Django on a throwaway database (see its docstring)
from django.core.management import call_command  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from governance import services  # noqa: E402
from governance.models import Region, RegionLevel, Role  # noqa: E402
from governance.tenancy import tenant_context  # noqa: E402
from orgs.demo import seed_organizations  # noqa: E402
from orgs.selectors import organization_list  # noqa: E402

PAGE_SIZE = 20
CASES = [("no filter", {}, ""), ("kind + search", {"kind": "community_group", "q": "社区"},
                                  "?kind=community_group&q=%E7%A4%BE%E5%8C%BA")]


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_selector(tenant, user, filters: dict, repeat: int) -> tuple[float, int, int]:
    samples, queries, total = [], 0, 0
    for _ in range(repeat):
        user = type(user).objects.get(pk=user.pk)  # no cached roles, as in a new request
        with tenant_context(tenant), CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            page = Paginator(organization_list(user=user, filters=filters), PAGE_SIZE).page(1)
            rows = list(page.object_list)
            for org in rows:  # what the row template touches
                _ = (org.name, org.get_kind_display(), org.region.name, org.current_grade, org.credit_list,
                     [d.get_domain_display() for d in org.domains.all()])
            total = page.paginator.count
            samples.append(time.perf_counter() - started)
        queries = len(captured)
    return _median_ms(samples), queries, total


def time_page(client: Client, query: str, repeat: int) -> tuple[float, int, int]:
    url = reverse("orgs:list") + query
    samples, queries, size = [], 0, 0
    client.get(url)  # warm the template cache
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        queries, size = len(captured), len(response.content)
    return _median_ms(samples), queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    tag = bench_import._serial(int(time.time()) % 28_629_151)[-2:]
    tenant, admin, _codes = bench_import.setup_tenant(tag)
    with tenant_context(tenant):
        street = Region.objects.filter(level=RegionLevel.STREET).order_by("code").first()
        street_user = services.user_create(actor=None, tenant=tenant, username=f"bench_street_{tag}".lower(),
                                           password="Bench-Passw0rd!", display_name="街道工作人员")
        services.role_assign(actor=None, user=street_user, region=street, role=Role.STREET_STAFF)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), tenant {tenant.slug}")
    clients = {}
    for label, user in (("admin", admin), ("street", street_user)):
        clients[label] = Client()
        clients[label].force_login(user)

    for size in sorted(args.sizes):
        started = time.perf_counter()
        with tenant_context(tenant):
            seeded = seed_organizations(tenant=tenant, count=size)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh bulk-loaded tables have no planner statistics yet
                cursor.execute("ANALYZE")
        print(f"\n{size:,} organizations (seeded {seeded.organizations:,} in {time.perf_counter() - started:.1f} s, "
              f"{seeded.annual_reports:,} reports, {seeded.grades:,} grades, {seeded.credit_records:,} credit records)")
        print(f"  {'user':<7} {'case':<14} {'visible':>8} {'selector ms':>12} {'queries':>8} "
              f"{'page ms':>9} {'queries':>8} {'KB':>6}")
        for label, user in (("admin", admin), ("street", street_user)):
            for case, filters, query in CASES:
                selector_ms, selector_queries, visible = time_selector(tenant, user, filters, args.repeat)
                page_ms, page_queries, page_bytes = time_page(clients[label], query, args.repeat)
                print(f"  {label:<7} {case:<14} {visible:>8,} {selector_ms:>12.1f} {selector_queries:>8} "
                      f"{page_ms:>9.1f} {page_queries:>8} {page_bytes / 1024:>6.0f}")


if __name__ == "__main__":
    main()
