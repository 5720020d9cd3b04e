"""Expert pool import (governance.imports): all rows or none, regions in the jurisdiction, employers by code."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from openpyxl import Workbook

from governance.imports import services as import_services
from governance.models import AuditEvent, ImportJob, ImportStatus
from governance.tenancy import tenant_context
from orgs.tests.factories import OrganizationFactory
from projects.importing import COLUMNS, IMPORTER_KEY
from projects.models import Expert

HEADERS = [column.label for column in COLUMNS]


def _xlsx(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("评审专家")
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row.get(label) for label in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _run(tenant, user, rows):
    with tenant_context(tenant):
        job = ImportJob(tenant=tenant, importer=IMPORTER_KEY, original_name="experts.xlsx", created_by=user)
        job.file.save("experts.xlsx", ContentFile(_xlsx(rows)), save=False)
        job.save()
        return import_services.import_job_run(job=job, actor=user)


def test_import_experts_all_or_nothing(tree_a, users):
    tenant = tree_a["tenant"]
    with tenant_context(tenant):
        org = OrganizationFactory(region=tree_a["street"])
    good = [{"姓名": "赵德明", "职称": "教授", "工作单位": "衡阳师范学院", "专家库区划代码": "430405001",
             "任职社会组织代码": org.uscc, "专业领域": "为老服务、社区事务", "可抽取": "是"},
            {"姓名": "李淑芬", "专家库区划代码": "430405001", "可抽取": "否"}]
    bad = [*good, {"姓名": "张志强", "专家库区划代码": "430405002"}, {"姓名": "刘敏", "专家库区划代码": "430405001",
                                                                       "任职社会组织代码": "NOSUCHCODE"}]
    job = _run(tenant, users["street_a"], bad)
    assert job.status == ImportStatus.FAILED
    columns = {(e["row"], e["column"]) for e in job.errors}
    assert {(4, "专家库区划代码"), (5, "任职社会组织代码")} <= columns, job.errors
    with tenant_context(tenant):
        assert not Expert.objects.exists()
    job = _run(tenant, users["street_a"], good)
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    with tenant_context(tenant):
        experts = {e.name: e for e in Expert.objects.all()}
        assert experts["赵德明"].employer_id == org.pk and experts["赵德明"].fields == ["elderly", "community"]
        assert experts["李淑芬"].available is False
        assert AuditEvent.objects.filter(action="expert.import").count() == 1


def test_import_refuses_an_expert_already_in_the_pool_or_twice_in_the_file(tree_a, users):
    tenant = tree_a["tenant"]
    first = [{"姓名": "赵德明", "专家库区划代码": "430405001", "联系电话": "13807340000"}]
    assert _run(tenant, users["street_a"], first).status == ImportStatus.SUCCEEDED
    again = [{"姓名": "钱伟", "专家库区划代码": "430405001"},
             {"姓名": "赵德明", "专家库区划代码": "430405001", "联系电话": "13807340000"},  # already in the pool
             {"姓名": "孙丽", "专家库区划代码": "430405001"},
             {"姓名": "孙丽", "专家库区划代码": "430405001"},  # twice in the file, no phone to tell them apart
             {"姓名": "赵德明", "专家库区划代码": "430405001", "联系电话": "13907340001"}]  # another 赵德明: allowed
    job = _run(tenant, users["street_a"], again)
    assert job.status == ImportStatus.FAILED
    by_row = {e["row"]: e["message"] for e in job.errors}
    assert set(by_row) == {3, 5}, job.errors
    assert "赵德明" in by_row[3] and "第4行" not in by_row[3]
    assert "4" in by_row[5] and "孙丽" in by_row[5]
    with tenant_context(tenant):
        assert Expert.objects.count() == 1
    fixed = [again[0], again[2], {**again[3], "联系电话": "13607340002"}, again[4]]
    assert _run(tenant, users["street_a"], fixed).status == ImportStatus.SUCCEEDED
    with tenant_context(tenant):
        assert Expert.objects.filter(name="赵德明").count() == 2 and Expert.objects.filter(name="孙丽").count() == 2
