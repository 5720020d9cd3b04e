"""Benchmark of the Excel import of organizations (the core framework governance.imports + orgs.importing).

    .venv/bin/python bench/bench_import.py [--rows 10000] [--repeat 3] [--profile]

Uses a throwaway SQLite file under /tmp (or the database of DATABASE_URL if set: point it at a scratch
database, the script migrates it and adds a tenant named bench-<time>). DEBUG is off, as in a worker.

After a warm-up round (a small import and a small raw insert, so imports, calamine, parsers and the
database's caches are warm), each of --repeat rounds times, on a fresh file of --rows rows:

* **raw**: the floor. Exactly the rows the import would insert (its ``insert`` hook is run once against
  a recorder, untimed) written with plain ``bulk_create`` (batches of 1,000) in one tenant transaction that
  is **committed** like the import's (deferred foreign-key checks and the WAL flush included). No file, no
  checks, no audit. The rows are then deleted and the tables vacuumed (untimed), so the import inserts the
  very same rows into the same tables;
* **import**: the same file through ``import_job_run`` as the Celery task runs it (read, validated,
  inserted, audited once, committed).

It prints each round, the median rows/s of both and their ratio, then the same number of rows with one
bad row in the middle (nothing imported). ``--profile`` prints a pyinstrument (or cProfile) tree of the
last clean import.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
WORK_DIR = Path(tempfile.mkdtemp(prefix="bench_import_"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")
if not os.environ.get("DATABASE_URL"):
    os.environ["SQLITE_PATH"] = str(WORK_DIR / "bench.sqlite3")
os.environ["MEDIA_ROOT"] = str(WORK_DIR / "media")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_DEBUG", "0")  # a worker runs without DEBUG (no query log kept per statement)

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from governance import services  # noqa: E402
from governance.imports.importer import ImportContext  # noqa: E402
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
from orgs.importing import IMPORT_COLUMNS, IMPORTER_KEY, ORGANIZATION_IMPORTER  # noqa: E402
from orgs.models import Organization  # noqa: E402

KINDS = [("社会团体", "1"), ("社会服务机构", "2"), ("基金会", "3"), ("社区社会组织", None)]
DOMAINS = ["为老服务", "儿童青少年", "社区事务", "文体", "志愿服务", "助残", "法律援助与调解"]
# Names as long as real ones (the pinyin sort key costs per character): 衡阳市珠晖区阳光社会工作服务中心000123
PLACES = ["衡阳市珠晖区", "雁峰区", "石鼓区", "蒸湘区", "南岳区", "衡南县", "耒阳市"]
THEMES = ["阳光", "夕阳红", "启航", "同心", "邻里", "益众", "春晖", "善行", "乐龄", "青禾", "和美"]
SUFFIXES = ["社会工作服务中心", "志愿者协会", "养老服务中心", "文体协会", "公益基金会", "调解服务社", "儿童之家"]


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
            "名称": f"{PLACES[i % 7]}{THEMES[i % 11]}{SUFFIXES[i % 13 % 7]}{i:06d}",
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


def rows_to_insert(tenant, admin, data: bytes) -> list[tuple[type, list[dict]]]:
    """What the importer's ``insert`` hook would write for ``data``: ``[(model, [row dict, ...]), ...]`` in
    call order. The hook runs against a recorder instead of ``bulk_insert``, which returns stand-in keys
    (negative, so a child row's reference to its parent can be mapped to the real key later)."""
    with tenant_context(tenant):
        rows, errors, _skipped = read_rows(ORGANIZATION_IMPORTER, data)
        assert not errors, errors[:3]
        cleaned, errors = validate_rows(ORGANIZATION_IMPORTER, tenant=tenant, user=admin, rows=rows)
        assert not errors, errors[:3]
    calls: list[tuple[type, list[dict]]] = []

    def record(model, rows, *, tenant, returning=True):
        offset = -(len(calls) + 1) * 10_000_000
        calls.append((model, [dict(row) for row in rows]))
        return [offset - i for i in range(len(rows))]

    module = sys.modules[ORGANIZATION_IMPORTER.insert.__module__]
    with mock.patch.object(module, "bulk_insert", record):
        ORGANIZATION_IMPORTER.insert(ImportContext(importer=ORGANIZATION_IMPORTER, tenant=tenant, user=admin),
                                     cleaned)
    return calls


def raw_bulk_create(tenant, calls) -> tuple[int, float]:
    """``bulk_create`` of the recorded rows, committed; then deleted again (untimed). Rows, seconds."""
    started = time.perf_counter()
    real: dict[int, int] = {}  # stand-in key -> real key
    created: list[tuple[type, list[int]]] = []
    with tenant_context(tenant):  # one transaction, committed on exit, like the import's
        for model, rows in calls:
            fk_names = [f.attname for f in model._meta.concrete_fields if f.is_relation]
            objects = []
            for row in rows:
                values = {**row, "tenant_id": tenant.pk}
                for name in fk_names:
                    if values.get(name) in real:
                        values[name] = real[values[name]]
                objects.append(model(**values))
            model.objects.bulk_create(objects, batch_size=1_000)
            stand_in = -(len(created) + 1) * 10_000_000
            real.update({stand_in - i: obj.pk for i, obj in enumerate(objects)})
            created.append((model, [obj.pk for obj in objects]))
    seconds = time.perf_counter() - started
    with tenant_context(tenant):  # children first
        for model, pks in reversed(created):
            model._base_manager.filter(pk__in=pks)._raw_delete(connection.alias)
    if connection.vendor == "postgresql":  # the import must not trip over dead index entries of these rows
        with connection.cursor() as cursor:
            for model, _pks in created:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return len(calls[0][1]), seconds


def _profiled(func):
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(func)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return result
    profiler = Profiler(interval=0.0005)
    profiler.start()
    try:
        return func()
    finally:
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds of raw insert + import (median)")
    parser.add_argument("--warmup", type=int, default=500, help="rows of the untimed warm-up round")
    parser.add_argument("--profile", action="store_true", help="profile the last clean import")
    args = parser.parse_args()

    logging.getLogger("governance.imports.services").setLevel(logging.INFO)  # its log line has the phase times
    call_command("migrate", verbosity=0)
    tag = _serial(int(time.time()) % 28_629_151)[-2:]  # two code characters, different per run
    tenant, admin, region_codes = setup_tenant(tag)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), tenant {tenant.slug}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")

    start = 0
    warm = workbook(args.warmup, region_codes, tag=tag, start=start)
    raw_bulk_create(tenant, rows_to_insert(tenant, admin, warm))
    run(tenant, admin, warm, "warmup.xlsx")
    start += args.warmup

    raw_rates, import_rates = [], []
    for round_number in range(1, args.repeat + 1):
        data = workbook(args.rows, region_codes, tag=tag, start=start)
        start += args.rows
        raw_rows, raw_seconds = raw_bulk_create(tenant, rows_to_insert(tenant, admin, data))
        last = round_number == args.repeat
        if args.profile and last:
            job, seconds, cpu = _profiled(lambda data=data: run(tenant, admin, data, "clean.xlsx"))
        else:
            job, seconds, cpu = run(tenant, admin, data, "clean.xlsx")
        with tenant_context(tenant):
            audited = AuditEvent.objects.filter(action="organization.import", object_id=str(job.pk)).count()
        assert job.status == "succeeded" and job.imported_rows == args.rows == raw_rows, (job.status, job.errors)
        raw_rates.append(raw_rows / raw_seconds)
        import_rates.append(job.total_rows / seconds)
        print(f"round {round_number}: raw bulk_create {raw_seconds:.2f} s ({raw_rates[-1]:,.0f} rows/s); "
              f"import {seconds:.2f} s ({cpu:.2f} s CPU, {import_rates[-1]:,.0f} rows/s), "
              f"{job.imported_rows:,} rows, {audited} audit event, {len(job.imported_ids)} id range(s)")
    raw_rate, import_rate = statistics.median(raw_rates), statistics.median(import_rates)
    with tenant_context(tenant):
        count = Organization.objects.count()
    print(f"median of {args.repeat}: raw bulk_create {raw_rate:,.0f} rows/s, import {import_rate:,.0f} rows/s "
          f"(validated, audited, committed); organizations in the tenant: {count:,}")
    print(f"ratio import / raw bulk_create (rows/s): {import_rate / raw_rate:.2f}")

    middle = args.rows // 2
    bad = workbook(args.rows, region_codes, tag=tag, start=start, bad_row=middle)
    job, seconds, cpu = run(tenant, admin, bad, "one_bad_row.xlsx")
    with tenant_context(tenant):
        after = Organization.objects.count()
    print(f"one bad row (data row {middle + 1}, sheet row {middle + 2}): status={job.status} "
          f"imported={job.imported_rows} organizations before={count:,} after={after:,}")
    print(f"  errors={job.error_count} first={job.errors[:1]}")
    print(f"  {seconds:.2f} s ({cpu:.2f} s CPU), {job.total_rows / seconds:,.0f} rows/s checked")


if __name__ == "__main__":
    main()
