"""Benchmark of the Excel import of organizations (the core framework governance.imports + orgs.importing).

    .venv/bin/python bench/bench_import.py [--rows 10000] [--profile]

Uses a throwaway SQLite file under /tmp (or the database of DATABASE_URL if set: point it at a scratch
database, the script migrates it and adds a tenant named bench-<time>). Prints the time of a clean
import of --rows rows (read, validated, inserted, audited once), then the time of a raw ``bulk_create`` of
the same organizations and domains (no file, no checks, no audit: the floor) and the ratio of the two,
then the same number of rows with one bad row in the middle (nothing imported).
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench_import_"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(WORK_DIR / "bench.sqlite3")
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from governance import services  # noqa: E402
from governance.imports.reading import read_rows  # noqa: E402
from governance.imports.services import import_job_run, validate_rows  # noqa: E402
from governance.models import (  # noqa: E402
    AuditEvent,
    ImportJob,  # noqa: E402
    Region,
    RegionLevel,
    Role,
)
from governance.standards import USCC_ALPHABET, make_uscc  # noqa: E402
from governance.tenancy import all_tenants, tenant_context  # noqa: E402
from orgs.importing import IMPORT_COLUMNS, IMPORTER_KEY, ORGANIZATION_FIELDS, ORGANIZATION_IMPORTER  # noqa: E402
from orgs.models import Organization, OrganizationDomain  # noqa: E402

KINDS = [("社会团体", "1"), ("社会服务机构", "2"), ("基金会", "3"), ("社区社会组织", None)]
DOMAINS = ["为老服务", "儿童青少年", "社区事务", "文体", "志愿服务", "助残", "法律援助与调解"]


def setup_tenant(tag: str):
    """A tenant for Hengyang (4304) with its real districts and streets, 5 communities on 20 streets."""
    with all_tenants():
        tenant = services.tenant_create(actor=None, name=f"衡阳市民政局 {tag}", slug=f"bench-{tag}".lower(),
                                        root_code="4304", root_name="衡阳市", root_level=RegionLevel.CITY)
    with tenant_context(tenant):
        services.divisions_load(actor=None, tenant=tenant)
        streets = list(Region.objects.filter(level=RegionLevel.STREET).order_by("code")[:20])
        communities = [
            Region(tenant=tenant, parent=street, level=RegionLevel.COMMUNITY, code=f"{street.short_code}{n:03d}",
                   name=f"第{n}社区", path=f"{street.path}{street.short_code}{n:03d}/", depth=street.depth + 1)
            for street in streets for n in range(1, 6)
        ]
        Region.objects.bulk_create(communities)
        admin = services.user_create(actor=None, tenant=tenant, username=f"bench_admin_{tag}".lower(),
                                     password="Bench-Passw0rd!", display_name="基准测试管理员")
        services.role_assign(actor=None, user=admin, region=services.tenant_root(tenant), role=Role.TENANT_ADMIN)
        codes = [c.code for c in communities] + [s.short_code for s in streets]
    return tenant, admin, codes


def _serial(number: int) -> str:
    digits = []
    for _ in range(5):
        number, remainder = divmod(number, len(USCC_ALPHABET))
        digits.append(USCC_ALPHABET[remainder])
    return "".join(reversed(digits))


def workbook(rows: int, region_codes: list[str], *, tag: str, start: int = 0, bad_row: int | None = None) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("社会组织")
    sheet.append([column.label for column in IMPORT_COLUMNS])
    for i in range(start, start + rows):
        kind, kind_type = KINDS[i % len(KINDS)]
        region = region_codes[i % len(region_codes)]
        values = {
            "名称": f"基准组织{i:06d}",
            "类型": kind,
            "统一社会信用代码": make_uscc("5", kind_type, "430405", f"B{tag}{_serial(i)}") if kind_type else "",
            "备案编号": f"衡社备{tag}{i:06d}" if not kind_type else "",
            "法定代表人": "张伟",
            "联系人": "李娜",
            "联系电话": f"1380734{i % 10000:04d}",
            "电子邮箱": f"org{i}@example.org",
            "地址": "衡阳市珠晖区广东路1号",
            "所属辖区代码": region,
            "成立日期": "2016-05-20",
            "登记/备案日期": "2016-06-01",
            "业务主管单位": "衡阳市民政局",
            "状态": "正常",
            "专职人员": i % 12,
            "持证社工": i % 4,
            "退休干部任职": i % 2,
            "志愿者人数": 10 + i % 300,
            "服务领域": "、".join({DOMAINS[i % 7], DOMAINS[(i * 3) % 7]}),
            "资金来源": "政府购买、捐赠",
        }
        if bad_row is not None and i - start == bad_row:
            values["志愿者人数"] = -5
        sheet.append([values[column.label] for column in IMPORT_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(tenant, admin, data: bytes, name: str) -> tuple[ImportJob, float, float]:
    """Wall-clock and CPU seconds of one import (the phase times are logged by import_job_run)."""
    with tenant_context(tenant):  # the upload, committed before the task starts
        job = ImportJob(tenant=tenant, importer=IMPORTER_KEY, original_name=name, created_by=admin)
        job.file.save(name, ContentFile(data), save=False)
        job.save()
    started, cpu = time.perf_counter(), time.process_time()
    with tenant_context(tenant):  # as the Celery task does: one tenant transaction around the import
        import_job_run(job=job, actor=admin)
    return job, time.perf_counter() - started, time.process_time() - cpu


def raw_bulk_create(tenant, admin, data: bytes) -> tuple[int, float]:
    """The floor: ``bulk_create`` of the same organizations and domains, cleaned beforehand (untimed), in a
    transaction that is rolled back so the import afterwards inserts exactly the same rows."""
    with tenant_context(tenant):
        rows, _errors, _skipped = read_rows(ORGANIZATION_IMPORTER, data)
        cleaned, errors = validate_rows(ORGANIZATION_IMPORTER, tenant=tenant, user=admin, rows=rows)
    assert not errors, errors[:3]
    with tenant_context(tenant), transaction.atomic():  # the inner block is rolled back
        started = time.perf_counter()
        organizations = [Organization(tenant=tenant, **{field: row[field] for field in ORGANIZATION_FIELDS})
                         for row in cleaned]
        Organization.objects.bulk_create(organizations, batch_size=1_000)
        OrganizationDomain.objects.bulk_create(
            [OrganizationDomain(tenant=tenant, organization_id=org.pk, domain=domain)
             for org, row in zip(organizations, cleaned, strict=True) for domain in row["domains"]],
            batch_size=1_000)
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return len(organizations), seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="print the top functions of the clean import")
    args = parser.parse_args()

    logging.getLogger("governance.imports.services").setLevel(logging.INFO)  # its log line has the phase times
    call_command("migrate", verbosity=0)
    tag = _serial(int(time.time()) % 28_629_151)[-2:]  # two code characters, different per run
    tenant, admin, region_codes = setup_tenant(tag)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), tenant {tenant.slug}")

    data = workbook(args.rows, region_codes, tag=tag)
    print(f"clean file: {args.rows:,} rows, {len(data) / 1024 / 1024:.1f} MB")
    raw_rows, raw_seconds = raw_bulk_create(tenant, admin, data)
    print(f"raw bulk_create of the same {raw_rows:,} organizations (+ domains), rolled back: {raw_seconds:.2f} s, "
          f"{raw_rows / raw_seconds:,.0f} rows/s")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    job, seconds, cpu = run(tenant, admin, data, "clean.xlsx")
    if args.profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    with tenant_context(tenant):
        count = Organization.objects.count()
    print(f"clean import: status={job.status} rows={job.total_rows:,} imported={job.imported_rows:,} "
          f"in database={count:,}")
    print(f"  {seconds:.2f} s ({cpu:.2f} s CPU), {job.total_rows / seconds:,.0f} rows/s")
    with tenant_context(tenant):
        audited = AuditEvent.objects.filter(action="organization.import", object_id=str(job.pk)).count()
    print(f"  audit events for the job: {audited}; id ranges kept on the job: {len(job.imported_ids)}")
    print(f"ratio import / raw bulk_create (rows/s): {raw_seconds / seconds:.2f}")

    middle = args.rows // 2
    bad = workbook(args.rows, region_codes, tag=tag, start=args.rows, bad_row=middle)
    job, seconds, cpu = run(tenant, admin, bad, "one_bad_row.xlsx")
    with tenant_context(tenant):
        after = Organization.objects.count()
    print(f"one bad row (data row {middle + 1}, sheet row {middle + 2}): status={job.status} "
          f"imported={job.imported_rows} organizations before={count:,} after={after:,}")
    print(f"  errors={job.error_count} first={job.errors[:1]}")
    print(f"  {seconds:.2f} s ({cpu:.2f} s CPU), {job.total_rows / seconds:,.0f} rows/s checked")


if __name__ == "__main__":
    main()
