"""Excel import of organizations: all rows or none, row-level errors, malformed files, the task."""

from __future__ import annotations

import datetime
import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import Workbook, load_workbook

from governance.imports import services as import_services
from governance.imports.services import ProgressWriter
from governance.imports.tasks import import_run_task as import_organizations_task
from governance.imports.workbooks import build_template as core_build_template
from governance.models import AuditEvent, ImportJob, ImportStatus
from governance.standards import make_uscc
from orgs.importing import IMPORT_COLUMNS, IMPORTER_KEY, LABELS, ORGANIZATION_IMPORTER
from orgs.models import Organization, OrganizationDomain, OrgKind, OrgStatus


# The organization import runs on the core framework (governance.imports); these are its entry points
# under the names the tests used when the import lived in orgs.importing.
def build_template() -> bytes:
    return core_build_template(ORGANIZATION_IMPORTER)


def organizations_import(*, actor, tenant, job, **kwargs) -> ImportJob:
    return import_services.import_job_run(job=job, actor=actor, **kwargs)


def validate_rows(**kwargs):
    return import_services.validate_rows(ORGANIZATION_IMPORTER, **kwargs)


def import_job_create(**kwargs) -> ImportJob:
    return import_services.import_job_create(importer=IMPORTER_KEY, **kwargs)


HEADERS = [column.label for column in IMPORT_COLUMNS]
KIND_TYPE = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # The ``users`` fixture hashes a dozen passwords; the default hasher makes that the slowest part.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted on their English source strings, whatever the translations say.
    with translation.override("en"):
        yield


def uscc(index: int, kind_label: str = "社会团体", district: str = "430405") -> str:
    return make_uscc("5", KIND_TYPE[kind_label], district, f"T{index:07d}")


def org_row(index: int, region_code: str = "430405001001", **overrides) -> dict:
    """One valid row, keyed by the header labels; every fourth row is a filed community group."""
    kind = ["社会团体", "社会服务机构", "基金会", "社区社会组织"][index % 4]
    row = {
        "名称": f"测试组织{index}",
        "类型": kind,
        "统一社会信用代码": uscc(index, kind) if kind != "社区社会组织" else "",
        "备案编号": f"衡社备{index:05d}" if kind == "社区社会组织" else "",
        "法定代表人": "张伟",
        "联系人": "李娜",
        "联系电话": "0734-8123456",
        "电子邮箱": f"org{index}@example.org",
        "地址": "衡阳市珠晖区广东路",
        "所属辖区代码": region_code,
        "成立日期": datetime.date(2015, 3, 1),
        "登记/备案日期": "2015-04-01",
        "业务主管单位": "衡阳市民政局",
        "状态": "正常",
        "专职人员": 3,
        "持证社工": 1,
        "退休干部任职": 0,
        "志愿者人数": 25,
        "服务领域": "为老服务、社区事务",
        "资金来源": "政府购买,捐赠",
    }
    row.update(overrides)
    return row


def make_xlsx(rows: list[dict], headers: list[str] | None = None) -> bytes:
    headers = headers or HEADERS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("社会组织")
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(label) for label in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_job(tenant, user, data: bytes, name: str = "orgs.xlsx") -> ImportJob:
    job = ImportJob(tenant=tenant, importer=IMPORTER_KEY, original_name=name, created_by=user)
    job.file.save(name, ContentFile(data), save=False)
    job.save()
    return job


def run_import(tenant, user, rows=None, *, data: bytes | None = None, in_tenant, **kwargs) -> ImportJob:
    with in_tenant(tenant):
        job = make_job(tenant, user, data if data is not None else make_xlsx(rows))
        return organizations_import(actor=user, tenant=tenant, job=job, **kwargs)


def as_parsed(rows: list[dict]) -> list[tuple[int, dict]]:
    by_label = {column.label: column.key for column in IMPORT_COLUMNS}
    return [(number, {by_label[label]: value for label, value in row.items()})
            for number, row in enumerate(rows, start=2)]


# --- clean imports ---------------------------------------------------------------------------


def test_clean_import_creates_every_row_and_one_audit_event(tree_a, users, in_tenant):
    tenant, admin = tree_a["tenant"], users["admin_a"]
    rows = [org_row(i, region_code=["430405001001", "430405002", "430405002001001"][i % 3]) for i in range(40)]
    job = run_import(tenant, admin, rows, in_tenant=in_tenant)

    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert (job.total_rows, job.processed_rows, job.imported_rows, job.error_count) == (40, 40, 40, 0)
    assert job.finished_at is not None
    with in_tenant(tenant):
        assert Organization.objects.count() == 40
        org = Organization.objects.get(name="测试组织5")
        assert org.kind == OrgKind.SERVICE_INSTITUTION
        assert org.uscc == uscc(5, "社会服务机构")
        assert org.region == tree_a["grid2"]  # a 15-digit grid code
        assert org.registered_date == datetime.date(2015, 4, 1)
        assert (org.staff_fulltime, org.volunteers, org.status) == (3, 25, OrgStatus.ACTIVE)
        assert org.funding_sources == ["government", "donations"]
        assert sorted(org.domains.values_list("domain", flat=True)) == ["community", "elderly"]
        group = Organization.objects.get(name="测试组织3")
        assert (group.kind, group.uscc, group.filing_number) == (OrgKind.COMMUNITY_GROUP, None, "衡社备00003")
        assert Organization.objects.get(name="测试组织4").region == tree_a["street2"]  # the 9-digit street code
        assert OrganizationDomain.objects.count() == 80
        events = AuditEvent.objects.filter(action="organization.import")
        assert events.count() == 1
        assert events.get().changes == {"rows": 40, "file": "orgs.xlsx"}
        assert events.get().object_id == str(job.pk)


def test_the_template_is_readable_and_its_example_row_is_not_imported(tree_a, users, in_tenant):
    """Issue 7 item 12: the template's example row used to be imported as an organization."""
    data = build_template()
    workbook = load_workbook(io.BytesIO(data))
    assert [cell.value for cell in workbook.worksheets[0][1]] == HEADERS
    assert workbook.sheetnames[1] == "填写说明"
    assert {row[0].value for row in workbook.worksheets[1].iter_rows(min_row=2)} >= set(HEADERS)

    job = run_import(tree_a["tenant"], users["admin_a"], data=data, in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    assert "only the template's example row" in job.errors[0]["message"]
    assert job.skipped_rows == 1
    with in_tenant(tree_a["tenant"]):
        assert not Organization.objects.exists()

    # The template with the example row kept and two rows filled in below it imports those two rows.
    sheet = workbook.worksheets[0]
    for index in (0, 1):
        sheet.append([org_row(index)[label] for label in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(tree_a["tenant"], users["admin_a"], data=buffer.getvalue(), in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert (job.imported_rows, job.skipped_rows) == (2, 1)
    with in_tenant(tree_a["tenant"]):
        assert sorted(Organization.objects.values_list("name", flat=True)) == ["测试组织0", "测试组织1"]


def test_an_example_row_turned_into_data_is_imported(tree_a, users, in_tenant):
    """Overwriting the example's name or credit code makes it a data row (the instructions say so)."""
    workbook = load_workbook(io.BytesIO(build_template()))
    sheet = workbook.worksheets[0]
    sheet.cell(row=2, column=1, value="改写后的示例组织")
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(tree_a["tenant"], users["admin_a"], data=buffer.getvalue(), in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.skipped_rows == 0
    with in_tenant(tree_a["tenant"]):
        assert Organization.objects.get().region == tree_a["community"]


def test_one_bad_row_among_2000_imports_nothing(tree_a, users, in_tenant):
    tenant = tree_a["tenant"]
    rows = [org_row(i) for i in range(2000)]
    rows[1234]["成立日期"] = "2019-13-45"
    job = run_import(tenant, users["admin_a"], rows, in_tenant=in_tenant)

    assert job.status == ImportStatus.FAILED
    assert job.error_count == 1
    assert job.errors == [{"row": 1236, "column": "成立日期",
                           "message": "Not a date: write it as 2019-05-20 (year-month-day)."}]
    assert (job.total_rows, job.processed_rows, job.imported_rows) == (2000, 2000, 0)
    with in_tenant(tenant):
        assert Organization.objects.count() == 0
        assert OrganizationDomain.objects.count() == 0
        assert not AuditEvent.objects.filter(action="organization.import").exists()
    report = load_workbook(job.error_report.path, read_only=True)
    values = list(report.worksheets[0].iter_rows(values_only=True))
    assert values[0] == ("行号", "列", "错误信息")
    assert values[1][:2] == (1236, "成立日期")


def test_errors_stored_on_the_job_are_capped_and_the_report_has_them_all(tree_a, users, in_tenant):
    rows = [org_row(i, **{"志愿者人数": -1}) for i in range(80)]
    job = run_import(tree_a["tenant"], users["admin_a"], rows, in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    assert job.error_count == 80
    assert len(job.errors) == 50
    report = load_workbook(job.error_report.path, read_only=True)
    assert len(list(report.worksheets[0].iter_rows(values_only=True))) == 81


# --- one clear message per bad-input class ---------------------------------------------------

TODAY = datetime.date.today()

BAD_CELLS = [
    ("wrong date", {"成立日期": "2019-02-30"}, "成立日期", "Not a date"),
    ("text date", {"登记/备案日期": "去年"}, "登记/备案日期", "Not a date"),
    ("future date", {"成立日期": (TODAY + datetime.timedelta(days=40)).isoformat()}, "成立日期", "in the future"),
    ("negative number", {"专职人员": -2}, "专职人员", "is negative"),
    ("fractional number", {"持证社工": 1.5}, "持证社工", "whole number"),
    ("text number", {"志愿者人数": "很多"}, "志愿者人数", "whole number"),
    ("unknown kind", {"类型": "有限公司"}, "类型", "Unknown kind “有限公司”"),
    ("missing kind", {"类型": ""}, "类型", "Required"),
    ("missing name", {"名称": "  "}, "名称", "Required"),
    ("missing legal representative", {"法定代表人": None}, "法定代表人", "Required"),
    ("name too long", {"名称": "长" * 201}, "名称", "at most 200 characters"),
    ("unknown status", {"状态": "休眠"}, "状态", "Unknown status “休眠”"),
    ("status of the filing workflow", {"状态": "备案审核中"}, "状态", "Unknown status"),
    ("unknown domain", {"服务领域": "为老服务、航天"}, "服务领域", "Unknown service domain “航天”"),
    ("unknown funding", {"资金来源": "彩票"}, "资金来源", "Unknown funding source “彩票”"),
    ("bad email", {"电子邮箱": "not-an-email"}, "电子邮箱", "valid email"),
    ("bad phone", {"联系电话": "call me"}, "联系电话", "Not a phone number"),
    ("uscc too short", {"统一社会信用代码": "51430405MJ0000"}, "统一社会信用代码", "18 characters"),
    ("uscc bad characters", {"统一社会信用代码": "51430405MJ000O01IX"}, "统一社会信用代码", "not allowed"),
    ("uscc check character", {"统一社会信用代码": uscc(1, "社会服务机构")[:17] + ("0" if uscc(1, "社会服务机构")[17] != "0" else "1")},
     "统一社会信用代码", "check character"),
    ("uscc of an enterprise", {"统一社会信用代码": make_uscc("9", "1", "430405", "T0000001")},
     "统一社会信用代码", "Position 1 is 9"),
    ("uscc type of another kind", {"统一社会信用代码": make_uscc("5", "3", "430405", "T0000001")},
     "统一社会信用代码", "does not match the kind"),
    ("registered kind without uscc", {"统一社会信用代码": ""}, "统一社会信用代码", "needs its unified social credit code"),
    ("region code malformed", {"所属辖区代码": "4304-05"}, "所属辖区代码", "A division code has 12 digits"),
    ("region code unknown", {"所属辖区代码": "430405009999"}, "所属辖区代码", "No region with division code"),
    ("region of another tenant", {"所属辖区代码": "430202001001"}, "所属辖区代码", "No region with division code"),
    ("region outside the jurisdiction", {"所属辖区代码": "430405002001"}, "所属辖区代码",
     "Region 430405002001 (光明社区) is outside your jurisdiction"),
    ("region above the jurisdiction", {"所属辖区代码": "430405"}, "所属辖区代码", "outside your jurisdiction"),
]


@pytest.mark.parametrize(("label", "changes", "column", "message"), BAD_CELLS, ids=[c[0] for c in BAD_CELLS])
def test_each_bad_input_class_gets_a_clear_message(tree_a, tree_b, users, in_tenant, label, changes, column,
                                                   message):
    rows = [org_row(0), org_row(1, **changes), org_row(2)]  # sheet row 3 is a 社会服务机构
    with in_tenant(tree_a["tenant"]):
        cleaned, errors = validate_rows(tenant=tree_a["tenant"], user=users["street_a"], rows=as_parsed(rows))
    assert len(cleaned) == 3
    assert len(errors) == 1, errors
    assert errors[0].row == 3
    assert errors[0].column == column
    assert message in errors[0].message


def test_community_group_needs_a_filing_number_or_a_code(tree_a, users, in_tenant):
    rows = [org_row(3, **{"备案编号": ""})]
    with in_tenant(tree_a["tenant"]):
        _cleaned, errors = validate_rows(tenant=tree_a["tenant"], user=users["admin_a"], rows=as_parsed(rows))
    assert [(e.row, e.column) for e in errors] == [(2, "备案编号")]
    assert "filing number or a credit code" in errors[0].message


def test_codes_accepted_for_choices_and_short_region_codes(tree_a, users, in_tenant):
    rows = [org_row(0, **{"类型": "association", "状态": "suspended", "服务领域": "elderly,legal",
                          "资金来源": "dues", "所属辖区代码": 430405001001, "专职人员": 4.0,
                          "成立日期": "2015年3月1日"})]
    with in_tenant(tree_a["tenant"]):
        cleaned, errors = validate_rows(tenant=tree_a["tenant"], user=users["admin_a"], rows=as_parsed(rows))
    assert errors == []
    row = cleaned[0]
    assert (row["kind"], row["status"], row["domains"], row["funding_sources"]) == (
        "association", "suspended", ["elderly", "legal"], ["dues"])
    assert (row["region_id"], row["staff_fulltime"], row["established_date"]) == (
        tree_a["community"].pk, 4, datetime.date(2015, 3, 1))


def test_duplicate_codes_in_the_file(tree_a, users, in_tenant):
    rows = [
        org_row(0),  # sheet row 2: association
        org_row(1),  # row 3
        org_row(2),  # row 4
        org_row(3),  # row 5: community group 衡社备00003
        org_row(7, **{"备案编号": "衡社备00003"}),  # row 6 repeats row 5's filing number
        org_row(4, **{"统一社会信用代码": uscc(0)}),  # row 7 repeats row 2's credit code
    ]
    with in_tenant(tree_a["tenant"]):
        _cleaned, errors = validate_rows(tenant=tree_a["tenant"], user=users["admin_a"], rows=as_parsed(rows))
    assert [(e.row, e.column) for e in errors] == [(6, "备案编号"), (7, "统一社会信用代码")]
    assert "row 5 of this file has it too" in errors[0].message
    assert "row 2 of this file has it too" in errors[1].message


def test_duplicate_codes_in_the_database_including_another_tenants_uscc(tree_a, tree_b, users, in_tenant):
    assert run_import(tree_a["tenant"], users["admin_a"], [org_row(0), org_row(3)],
                      in_tenant=in_tenant).status == ImportStatus.SUCCEEDED
    b_code = make_uscc("5", "1", "430202", "B0000001")
    b_rows = [org_row(9, region_code="430202001001", **{"统一社会信用代码": b_code, "类型": "社会团体",
                                                       "备案编号": "衡社备00003"})]
    assert run_import(tree_b["tenant"], users["admin_b"], b_rows,
                      in_tenant=in_tenant).status == ImportStatus.SUCCEEDED

    rows = [  # indices 4, 8 and 12 are associations, 15 a community group
        org_row(4, **{"统一社会信用代码": uscc(0)}),  # already in tenant A
        org_row(8, **{"统一社会信用代码": b_code}),  # registered in tenant B
        org_row(15, **{"备案编号": "衡社备00003"}),  # filing number used in tenant A
        org_row(12),
    ]
    with in_tenant(tree_a["tenant"]):
        _cleaned, errors = validate_rows(tenant=tree_a["tenant"], user=users["admin_a"], rows=as_parsed(rows))
    assert [(e.row, e.column) for e in errors] == [(2, "统一社会信用代码"), (3, "统一社会信用代码"), (4, "备案编号")]
    assert "already registered, to “测试组织0”" in errors[0].message
    assert "already registered on the platform (in another jurisdiction)" in errors[1].message
    assert "测试组织9" not in errors[1].message  # nothing of the other tenant is shown
    assert "already used by “测试组织3”" in errors[2].message

    # Filing numbers are per tenant: tenant B's "衡社备00003" did not clash with tenant A's.
    with in_tenant(tree_b["tenant"]):
        assert Organization.objects.get().filing_number == "衡社备00003"


def test_validation_queries_do_not_grow_with_rows(tree_a, users, in_tenant, django_assert_max_num_queries):
    admin = users["admin_a"]
    for count in (5, 500):
        rows = as_parsed([org_row(i, region_code=["430405001001", "430405002001"][i % 2]) for i in range(count)])
        with in_tenant(tree_a["tenant"]):
            admin = type(admin).objects.get(pk=admin.pk)  # no cached roles
            with django_assert_max_num_queries(12):
                _cleaned, errors = validate_rows(tenant=tree_a["tenant"], user=admin, rows=rows)
        assert errors == []


# --- malformed files -------------------------------------------------------------------------


def _empty_workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


MALFORMED = [
    ("random bytes", os.urandom(2048), "not a readable Excel workbook"),
    ("zero bytes", b"", "not a readable Excel workbook"),
    ("a zip that is no workbook", None, "not a readable Excel workbook"),
    ("empty workbook", _empty_workbook(), "No header row found"),
    ("no header", make_xlsx([{"a": 1}], headers=["a", "b"]), "No header row found"),
    ("missing required columns", make_xlsx([org_row(0)], headers=["名称", "统一社会信用代码"]),
     "lacks the required columns: 类型、法定代表人、所属辖区代码"),
    ("header only", make_xlsx([]), "no data rows"),
]


def _zip_bytes() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(("label", "data", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_files_fail_cleanly(tree_a, users, in_tenant, label, data, message):
    data = _zip_bytes() if data is None else data
    job = run_import(tree_a["tenant"], users["admin_a"], data=data, in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    assert job.error_count == 1
    assert job.errors[0]["row"] == 0
    assert message in job.errors[0]["message"]
    assert job.error_report
    with in_tenant(tree_a["tenant"]):
        assert Organization.objects.count() == 0


def test_too_many_rows_fail_cleanly(tree_a, users, in_tenant, monkeypatch):
    monkeypatch.setattr(ORGANIZATION_IMPORTER, "max_rows", 5)
    job = run_import(tree_a["tenant"], users["admin_a"], [org_row(i) for i in range(6)], in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    assert job.errors[0]["row"] == 0
    assert "more than 5 rows" in job.errors[0]["message"]


def test_title_rows_above_the_header_and_blank_rows_are_skipped(tree_a, users, in_tenant):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["衡阳市社会组织名录"])
    sheet.append([f"{label}*" if label == "名称" else label for label in HEADERS])
    sheet.append([org_row(0)[label] for label in HEADERS])
    sheet.append([None] * len(HEADERS))
    sheet.append([org_row(1)[label] for label in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(tree_a["tenant"], users["admin_a"], data=buffer.getvalue(), in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.imported_rows == 2


# --- progress, upload and task ---------------------------------------------------------------


def test_progress_is_written_while_validating(tree_a, users, in_tenant, monkeypatch):
    seen: list[tuple[str, int]] = []
    original = ProgressWriter.write

    def record(self, fields):
        seen.append((self.job.status, self.job.processed_rows))
        original(self, fields)

    monkeypatch.setattr(ProgressWriter, "write", record)
    job = run_import(tree_a["tenant"], users["admin_a"], [org_row(i) for i in range(1200)],
                     in_tenant=in_tenant, progress_every=500)
    assert job.status == ImportStatus.SUCCEEDED
    assert seen[0] == (ImportStatus.RUNNING, 0)
    assert [done for _status, done in seen[2:]] == [500, 1000, 1200]
    assert (job.total_rows, job.processed_rows, job.progress_percent) == (1200, 1200, 100)


def test_upload_queues_the_task_which_runs_after_commit(tree_a, users, in_tenant,
                                                        django_capture_on_commit_callbacks):
    tenant, admin = tree_a["tenant"], users["admin_a"]
    upload = SimpleUploadedFile("社会组织.xlsx", make_xlsx([org_row(i) for i in range(5)]))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with in_tenant(tenant):
            job = import_job_create(actor=admin, tenant=tenant, uploaded_file=upload)
            assert job.status == ImportStatus.PENDING
    assert len(callbacks) == 1
    with in_tenant(tenant):
        job.refresh_from_db()
        assert job.status == ImportStatus.SUCCEEDED, job.errors
        assert job.original_name == "社会组织.xlsx"
        assert Organization.objects.count() == 5
        assert AuditEvent.objects.filter(action="import_job.create", object_id=str(job.pk)).count() == 1
        events = AuditEvent.objects.count()
        finished_at = job.finished_at

    # Idempotent: running the task again on a finished job changes nothing.
    import_organizations_task.delay(tenant_id=tenant.pk, job_id=job.pk)
    with in_tenant(tenant):
        job.refresh_from_db()
        assert (job.status, job.imported_rows, job.finished_at) == (ImportStatus.SUCCEEDED, 5, finished_at)
        assert Organization.objects.count() == 5
        assert AuditEvent.objects.count() == events


def test_failed_job_is_not_rerun(tree_a, users, in_tenant):
    tenant = tree_a["tenant"]
    job = run_import(tenant, users["admin_a"], data=b"junk", in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    with in_tenant(tenant):
        job.file.save("orgs.xlsx", ContentFile(make_xlsx([org_row(0)])))  # even a fixed file is not picked up
    import_organizations_task.delay(tenant_id=tenant.pk, job_id=job.pk)
    with in_tenant(tenant):
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED
        assert Organization.objects.count() == 0


def test_crashed_running_job_is_rerun(tree_a, users, in_tenant):
    tenant = tree_a["tenant"]
    with in_tenant(tenant):
        job = make_job(tenant, users["admin_a"], make_xlsx([org_row(0), org_row(1)]))
        job.status = ImportStatus.RUNNING
        job.save(update_fields=["status"])
    import_organizations_task.delay(tenant_id=tenant.pk, job_id=job.pk)
    with in_tenant(tenant):
        job.refresh_from_db()
        assert (job.status, job.imported_rows) == (ImportStatus.SUCCEEDED, 2)


@pytest.mark.parametrize(("name", "size", "message"), [
    ("orgs.xls", 100, ".xlsx"),
    ("orgs.csv", 100, ".xlsx"),
    ("orgs.xlsx", 21 * 1024 * 1024, "at most 20 MB"),
])
def test_upload_rejects_wrong_extension_and_size(tree_a, users, in_tenant, name, size, message):
    upload = SimpleUploadedFile(name, b"x")
    upload.size = size
    with in_tenant(tree_a["tenant"]), pytest.raises(ValidationError) as excinfo:
        import_job_create(actor=users["admin_a"], tenant=tree_a["tenant"], uploaded_file=upload)
    assert message in str(excinfo.value.message_dict["file"])
    with in_tenant(tree_a["tenant"]):
        assert not ImportJob.objects.exists()


def test_upload_needs_an_editing_role(tree_a, users, in_tenant):
    from governance.exceptions import ApplicationError

    upload = SimpleUploadedFile("orgs.xlsx", make_xlsx([org_row(0)]))
    with in_tenant(tree_a["tenant"]), pytest.raises(ApplicationError):
        import_job_create(actor=users["auditor_a"], tenant=tree_a["tenant"], uploaded_file=upload)


def test_rows_outside_a_street_users_jurisdiction_import_nothing(tree_a, users, in_tenant):
    rows = [org_row(0), org_row(1, region_code="430405002001")]
    job = run_import(tree_a["tenant"], users["street_a"], rows, in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, LABELS["region_code"])]
    with in_tenant(tree_a["tenant"]):
        assert Organization.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_to_other_connections_during_the_import(tree_a, users, in_tenant, monkeypatch):
    """The task runs in one tenant transaction; a page polling the job must still see it move."""
    from django.db import connections

    tenant = tree_a["tenant"]
    with in_tenant(tenant):  # committed, as after import_job_create
        job = make_job(tenant, users["admin_a"], make_xlsx([org_row(i) for i in range(1200)]))
    observer = connections.create_connection("default")
    with observer.cursor() as cursor:
        cursor.execute("SELECT set_config('app.tenant_id', %s, false)", [str(tenant.pk)])
    seen: list[tuple[str, int, int]] = []
    original = ProgressWriter.write

    def write_and_observe(self, fields):
        original(self, fields)
        with observer.cursor() as cursor:
            cursor.execute("SELECT status, total_rows, processed_rows FROM governance_importjob WHERE id = %s", [job.pk])
            seen.append(cursor.fetchone())

    monkeypatch.setattr(ProgressWriter, "write", write_and_observe)
    try:
        with in_tenant(tenant):
            organizations_import(actor=users["admin_a"], tenant=tenant, job=job, progress_every=500)
    finally:
        observer.close()
    assert seen == [("running", 0, 0), ("running", 1200, 0), ("running", 1200, 500), ("running", 1200, 1000),
                    ("running", 1200, 1200)]
    with in_tenant(tenant):
        job.refresh_from_db()
        assert (job.status, job.imported_rows) == (ImportStatus.SUCCEEDED, 1200)
