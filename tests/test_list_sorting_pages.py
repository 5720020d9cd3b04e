"""Sortable headers on the core's lists: the audit log (and its export) and the past imports of an importer."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from openpyxl import load_workbook

from governance.models import AuditEvent, ImportJob, ImportStatus
from governance.tenancy import tenant_context
from orgs.importing import IMPORTER_KEY


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jobs(tree, user, rows):
    with tenant_context(tree["tenant"]):
        for name, total in rows:
            job = ImportJob(tenant=tree["tenant"], importer=IMPORTER_KEY, original_name=name, created_by=user,
                            status=ImportStatus.SUCCEEDED, total_rows=total, imported_rows=total)
            job.file.save("x.xlsx", ContentFile(b"x"), save=False)
            job.save()


def test_import_history_sorts_by_header(tree_a, users, client_for):
    _jobs(tree_a, users["street_a"], [("b.xlsx", 30), ("a.xlsx", 200), ("c.xlsx", 5)])
    client, url = client_for(users["street_a"]), reverse("imports:history", args=[IMPORTER_KEY])
    names = [job.original_name for job in client.get(url, {"sort": "-rows"}).context["page"].object_list]
    assert names == ["a.xlsx", "b.xlsx", "c.xlsx"]
    response = client.get(url, {"sort": "file"})
    assert [job.original_name for job in response.context["page"].object_list] == ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert 'aria-sort="ascending"' in response.content.decode()
    newest_first = client.get(url, {"sort": "bogus"}).context["page"].object_list  # unknown: the default
    assert [job.original_name for job in newest_first] == ["c.xlsx", "a.xlsx", "b.xlsx"]


def test_audit_log_sorts_and_exports_what_the_auditor_sees(tree_a, tree_b, users, client_for):
    from governance.audit import audit_record

    with tenant_context(tree_a["tenant"]):
        audit_record(actor=users["street_a"], action="organization.update", tenant=tree_a["tenant"],
                     object_repr="=HYPERLINK(\"http://x.example\")")
        audit_record(actor=users["admin_a"], action="organization.create", tenant=tree_a["tenant"],
                     object_repr="阿姨互助会")
    with tenant_context(tree_b["tenant"]):
        audit_record(actor=users["admin_b"], action="organization.create", tenant=tree_b["tenant"],
                     object_repr="株洲的组织")
    client = client_for(users["admin_a"])
    page = client.get(reverse("audit-list"), {"sort": "action"})
    actions = [event.action for event in page.context["page"].object_list]
    assert actions == sorted(actions) and 'aria-sort="ascending"' in page.content.decode()
    response = client.get(reverse("audit-export"), {"sort": "-time", "actor": "admin_a"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert {row[5] for row in rows[1:]} >= {"阿姨互助会"} and "株洲的组织" not in {row[5] for row in rows[1:]}
    assert all(row[1] == "admin_a" for row in rows[1:])
    rows = list(load_workbook(io.BytesIO(b"".join(client.get(reverse("audit-export")).streaming_content)))
                .worksheets[0].iter_rows())
    formula_cell = next(row[5] for row in rows[1:] if str(row[5].value).startswith("=HYPERLINK"))
    assert formula_cell.data_type == "s"  # text, never a live formula
    with tenant_context(tree_a["tenant"]):
        event = AuditEvent.objects.filter(action="audit.export").order_by("id").first()
    assert event.actor_id == users["admin_a"].pk and event.changes["filters"] == {"actor": "admin_a", "sort": "-time"}
    # Users who may not read the audit log get a 404 for the export too.
    assert client_for(users["street_a"]).get(reverse("audit-export")).status_code == 404


def test_audit_export_query_budget(tree_a, users, client_for, query_budget):
    from governance.audit import audit_record

    client = client_for(users["admin_a"])

    def make_rows(count: int) -> None:
        with tenant_context(tree_a["tenant"]):
            for index in range(count):
                audit_record(actor=users["street_a"], action="organization.update", tenant=tree_a["tenant"],
                             object_repr=f"组织{index}")

    def rows(response) -> int:
        return len(list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows()))

    query_budget(make_rows, lambda: client.get(reverse("audit-export")), expected=EXPORT_QUERIES, warm=True, rows=rows)


EXPORT_QUERIES = 8  # session, user with its tenant, savepoint pair, the events, the audit insert and its savepoint pair (roles: cached)
