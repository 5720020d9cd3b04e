"""Staff pages of the registry, through HTTP: scoping, forms, import/export, query budgets, home panel."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from governance.models import AuditEvent, ImportJob, ImportStatus, StatusChange
from governance.standards import make_uscc
from governance.tenancy import tenant_context
from orgs import services
from orgs.importing import IMPORT_COLUMNS, IMPORTER_KEY
from orgs.models import CreditList, CreditReason, Organization, OrgKind, OrgStatus

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # assert on the English source strings
KIND_TYPE = {OrgKind.ASSOCIATION: "1", OrgKind.SERVICE_INSTITUTION: "2", OrgKind.FOUNDATION: "3",
             OrgKind.COMMUNITY_GROUP: "9"}
_counter = iter(range(1, 10_000_000))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The users fixture hashes a dozen passwords; these tests sign in with force_login.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code_for(kind=OrgKind.ASSOCIATION, index: int | None = None) -> str:
    index = next(_counter) if index is None else index
    return make_uscc("5", KIND_TYPE[kind], "430405", f"W{index:07d}")


def make_org(tree, actor, *, region_key="community", name=None, kind=OrgKind.ASSOCIATION, **fields):
    """An organization created through the service, as a user would through the form."""
    n = next(_counter)
    with tenant_context(tree["tenant"]):
        return services.organization_create(
            actor=actor, region=tree[region_key], domains=fields.pop("domains", ["elderly"]),
            name=name or f"测试组织{n}", kind=kind, uscc=fields.pop("uscc", code_for(kind, n)),
            legal_representative="张伟", registered_date=fields.pop("registered_date", datetime.date(2015, 4, 1)),
            **fields,
        )


def form_data(tree, **overrides) -> dict:
    data = {
        "name": "衡阳市阳光社会工作服务中心", "kind": OrgKind.SERVICE_INSTITUTION,
        "uscc": code_for(OrgKind.SERVICE_INSTITUTION), "filing_number": "", "region": tree["community"].pk,
        "legal_representative": "张伟", "contact_person": "李娜", "contact_phone": "0734-8123456",
        "email": "info@example.org", "address": "广东路1号", "established_date": "2015-03-01",
        "registered_date": "2015-04-01", "supervising_unit": "衡阳市民政局", "domains": ["elderly", "community"],
        "funding_sources": ["government", "donations"], "staff_fulltime": "5", "staff_social_workers": "2",
        "retired_cadre_leaders": "0", "volunteers": "40",
    }
    data.update(overrides)
    return data


def count(tree) -> int:
    with tenant_context(tree["tenant"]):
        return Organization.objects.count()


# --- list: scoping, filters, search --------------------------------------------------------


def test_list_shows_only_the_users_subtree(tree_a, tree_b, users, client_for):
    admin = users["admin_a"]
    mine = make_org(tree_a, admin, region_key="community", name="建设社区为老协会")
    other = make_org(tree_a, admin, region_key="community2", name="光明社区文体协会")
    make_org(tree_b, users["admin_b"], name="株洲月塘协会")

    page = client_for(users["street_a"]).get(reverse("orgs:list")).content.decode()
    assert mine.name in page and other.name not in page and "株洲月塘协会" not in page

    page = client_for(users["street2_a"]).get(reverse("orgs:list")).content.decode()
    assert other.name in page and mine.name not in page

    page = client_for(users["admin_b"]).get(reverse("orgs:list")).content.decode()
    assert "株洲月塘协会" in page and mine.name not in page and other.name not in page

    page = client_for(users["admin_a"]).get(reverse("orgs:list")).content.decode()
    assert mine.name in page and other.name in page and "株洲月塘协会" not in page


def test_filters_and_search_narrow_the_list(tree_a, users, client_for):
    admin = users["admin_a"]
    association = make_org(tree_a, admin, name="甲协会", kind=OrgKind.ASSOCIATION, domains=["elderly"])
    foundation = make_org(tree_a, admin, name="乙基金会", kind=OrgKind.FOUNDATION, domains=["children"])
    listed = make_org(tree_a, admin, region_key="community2", name="丙服务中心",
                      kind=OrgKind.SERVICE_INSTITUTION, domains=["elderly"])
    with tenant_context(tree_a["tenant"]):
        services.credit_add(actor=admin, organization=listed, list_type=CreditList.ABNORMAL,
                            reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 1, 5))
    client = client_for(admin)

    def names(**params):
        page = client.get(reverse("orgs:list"), params).content.decode()
        return {org.name for org in (association, foundation, listed) if org.name in page}

    assert names() == {"甲协会", "乙基金会", "丙服务中心"}
    assert names(kind="foundation") == {"乙基金会"}
    assert names(domain="elderly") == {"甲协会", "丙服务中心"}
    assert names(credit="abnormal") == {"丙服务中心"}
    assert names(credit="none") == {"甲协会", "乙基金会"}
    assert names(region=tree_a["street2"].pk) == {"丙服务中心"}
    assert names(q="基金") == {"乙基金会"}
    assert names(q=association.uscc[:12]) == {"甲协会"}
    assert names(grade="none", status="active") == {"甲协会", "乙基金会", "丙服务中心"}
    # An unknown value in one parameter does not void the others.
    assert names(kind="nonsense", q="甲") == {"甲协会"}
    assert "warning" in client.get(reverse("orgs:list"), {"credit": "abnormal"}).content.decode()


def test_list_htmx_returns_the_rows_partial_with_the_export_link(tree_a, users, client_for):
    make_org(tree_a, users["admin_a"], name="甲协会")
    response = client_for(users["admin_a"]).get(reverse("orgs:list"), {"q": "甲"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "甲协会" in body
    assert 'hx-swap-oob="true"' in body and 'id="export-link"' in body and "export.xlsx?q=" in body


def test_empty_state(tree_a, users, client_for):
    body = client_for(users["street_a"]).get(reverse("orgs:list"), **EN).content.decode()
    assert "No social organizations are registered in your jurisdiction yet." in body
    body = client_for(users["street_a"]).get(reverse("orgs:list"), {"q": "不存在"}, **EN).content.decode()
    assert "No organizations match these filters." in body


@pytest.mark.parametrize("page_size", [20, 50])
def test_list_query_count_does_not_grow_with_rows(tree_a, users, client_for, query_budget, page_size):
    admin = users["admin_a"]
    client = client_for(admin)

    def make_rows(count_: int) -> None:
        for index in range(count_):
            org = make_org(tree_a, admin, region_key="community" if index % 2 else "community2",
                           domains=["elderly", "children"] if index % 3 else [])
            if index % 4 == 0:
                with tenant_context(tree_a["tenant"]):
                    services.credit_add(actor=admin, organization=org, list_type=CreditList.ABNORMAL,
                                        reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 1, 5))

    query_budget(make_rows, lambda: client.get(reverse("orgs:list"), {"page_size": page_size}), sizes=(5, 40),
                 expected=7, warm=True, rows=lambda response: len(response.context["page"].object_list))
    assert count(tree_a) == 40


# --- detail ----------------------------------------------------------------------------------


def test_detail_is_404_outside_the_jurisdiction_and_tenant(tree_a, users, client_for):
    org = make_org(tree_a, users["admin_a"], region_key="community")
    url = reverse("orgs:detail", args=[org.pk])
    assert client_for(users["street_a"]).get(url).status_code == 200
    assert client_for(users["community_a"]).get(url).status_code == 200
    assert client_for(users["auditor_a"]).get(url).status_code == 200
    assert client_for(users["street2_a"]).get(url).status_code == 404
    assert client_for(users["admin_b"]).get(url).status_code == 404
    assert client_for(users["expert_a"]).get(url).status_code == 404
    assert client_for(users["street_a"]).get(reverse("orgs:detail", args=[org.pk + 999])).status_code == 404


def test_detail_tabs(tree_a, users, client_for):
    admin = users["admin_a"]
    org = make_org(tree_a, admin, name="甲协会", funding_sources=["government"],
                   registered_date=datetime.date.today() - datetime.timedelta(days=100))
    with tenant_context(tree_a["tenant"]):
        services.credit_add(actor=admin, organization=org, list_type=CreditList.ABNORMAL,
                            reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 1, 5),
                            decision_number="衡民决〔2025〕1号")
        services.organization_set_status(actor=admin, organization=org, status=OrgStatus.SUSPENDED,
                                         note="停止活动决定")
    client = client_for(users["street_a"])
    url = reverse("orgs:detail", args=[org.pk])

    body = client.get(url, **EN).content.decode()
    assert "甲协会" in body and org.uscc in body and "Government purchase" in body and "Elderly care" in body
    assert 'class="nav-link active"' in body and "Abnormal activities list" in body

    body = client.get(url, {"tab": "grades"}, **EN).content.decode()
    assert "evaluation needs two full years of registration" in body
    body = client.get(url, {"tab": "credit"}, **EN).content.decode()
    assert "衡民决〔2025〕1号" in body and "Unreachable at the registered address" in body
    body = client.get(url, {"tab": "history"}, **EN).content.decode()
    assert "organization.create" in body and "停止活动决定" in body and "Suspended" in body
    body = client.get(url, {"tab": "reports"}, **EN).content.decode()
    assert "No annual reports yet." in body

    partial = client.get(url, {"tab": "credit"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "nav-tabs" in partial


# --- create / edit ---------------------------------------------------------------------------


def test_create_with_a_valid_code(tree_a, users, client_for):
    data = form_data(tree_a)
    response = client_for(users["community_a"]).post(reverse("orgs:create"), data)
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        org = Organization.objects.get(uscc=data["uscc"])
        assert org.region_id == tree_a["community"].pk and org.funding_sources == ["government", "donations"]
        assert sorted(org.domains.values_list("domain", flat=True)) == ["community", "elderly"]
        assert AuditEvent.objects.filter(action="organization.create", object_id=str(org.pk)).exists()
    assert response["Location"] == reverse("orgs:detail", args=[org.pk])


def _bad_codes():
    valid = code_for(OrgKind.ASSOCIATION, 9_000_001)
    wrong_check = valid[:17] + ("0" if valid[17] != "0" else "1")
    return [
        ("12345", "has 18 characters"),
        ("51430405MJ00000IO1", "not allowed"),
        (make_uscc("5", "4", "430405", "MJ000001"), "does not issue type 4"),
        (wrong_check, "check character (position 18)"),
        (make_uscc("9", "1", "430405", "MJ000002"), "registered by civil affairs"),
        (make_uscc("5", "2", "430405", "MJ000003"), "does not match the kind"),
    ]


@pytest.mark.parametrize(("code", "message"), _bad_codes())
def test_create_refuses_each_invalid_code_class(tree_a, users, client_for, code, message):
    before = count(tree_a)
    response = client_for(users["street_a"]).post(
        reverse("orgs:create"), form_data(tree_a, kind=OrgKind.ASSOCIATION, uscc=code), **EN
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert count(tree_a) == before


def test_create_refuses_a_duplicate_code(tree_a, users, client_for):
    existing = make_org(tree_a, users["admin_a"], kind=OrgKind.SERVICE_INSTITUTION)
    before = count(tree_a)
    response = client_for(users["street_a"]).post(reverse("orgs:create"), form_data(tree_a, uscc=existing.uscc), **EN)
    assert response.status_code == 200
    assert "This credit code is already registered." in response.content.decode()
    assert count(tree_a) == before


def test_create_shows_identity_warnings_after_saving(tree_a, users, client_for):
    # A valid check character over an unknown county code: accepted with a warning.
    code = make_uscc("5", "2", "999999", "MJ000004")
    response = client_for(users["street_a"]).post(reverse("orgs:create"), form_data(tree_a, uscc=code), follow=True,
                                                  **EN)
    body = response.content.decode()
    assert "Organization saved." in body and "999999" in body and "alert-warning" in body


def test_create_region_is_limited_to_the_jurisdiction(tree_a, users, client_for):
    client = client_for(users["community_a"])
    body = client.get(reverse("orgs:create")).content.decode()
    assert "建设社区" in body and "光明社区" not in body
    before = count(tree_a)
    response = client.post(reverse("orgs:create"), form_data(tree_a, region=tree_a["community2"].pk))
    assert response.status_code == 200 and count(tree_a) == before


def test_edit_saves_and_audits(tree_a, users, client_for):
    org = make_org(tree_a, users["admin_a"], kind=OrgKind.SERVICE_INSTITUTION)
    client = client_for(users["admin_a"])  # renaming a registered organization: the registration authority
    url = reverse("orgs:edit", args=[org.pk])
    body = client.get(url).content.decode()
    assert org.uscc in body and 'value="2015-04-01"' in body
    response = client.post(url, form_data(tree_a, uscc=org.uscc, name="改名后的中心"))
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        org.refresh_from_db()
        assert org.name == "改名后的中心"
        assert AuditEvent.objects.filter(action="organization.update", object_id=str(org.pk)).exists()
    assert client_for(users["street2_a"]).get(url).status_code == 404
    assert client_for(users["grid_a"]).get(url).status_code == 404


def test_check_code_fragment(tree_a, users, client_for):
    client = client_for(users["street_a"])
    url = reverse("orgs:check-code")
    good = client.get(url, {"uscc": code_for(OrgKind.FOUNDATION), "kind": "foundation"}, **EN).content.decode()
    assert "The credit code is valid" in good
    bad = client.get(url, {"uscc": "91350100M000100Y43", "kind": "foundation"}, **EN).content.decode()
    assert "registered by civil affairs" in bad and "<html" not in bad
    assert client.get(url, {"uscc": ""}).content.decode().strip() == ""
    assert client_for(users["auditor_a"]).get(url, {"uscc": "x"}).status_code == 404


# --- status ----------------------------------------------------------------------------------


def test_status_change_needs_a_note(tree_a, users, client_for):
    org = make_org(tree_a, users["admin_a"])
    url = reverse("orgs:status", args=[org.pk])
    # A registered association's status belongs to the registration authority, not to the street.
    assert client_for(users["street_a"]).get(url).status_code == 404
    client = client_for(users["admin_a"])
    assert "data-confirm" in client.get(url).content.decode()
    response = client.post(url, {"status": "suspended", "note": "  "}, **EN)
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(url, {"status": "suspended", "note": "衡民决〔2025〕2号"})
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        org.refresh_from_db()
        assert org.status == OrgStatus.SUSPENDED
        assert StatusChange.objects.filter(object_id=str(org.pk), to_status="suspended").exists()
    # Community staff may edit but not change the status.
    assert client_for(users["community_a"]).get(url).status_code == 404


# --- who may open the staff pages -------------------------------------------------------------


def test_organization_users_get_404_on_staff_pages(tree_a, users, client_for):
    org = make_org(tree_a, users["admin_a"])
    with tenant_context(tree_a["tenant"]):
        services.membership_add(actor=users["admin_a"], user=users["org_a"], organization=org)
    client = client_for(users["org_a"])
    for url in (
        reverse("orgs:list"), reverse("orgs:detail", args=[org.pk]), reverse("orgs:edit", args=[org.pk]),
        reverse("orgs:status", args=[org.pk]), reverse("orgs:create"), reverse("orgs:import"),
        reverse("orgs:export"), reverse("orgs:import-template"), reverse("orgs:check-code"),
    ):
        assert client.get(url).status_code == 404, url


def test_read_only_roles_see_no_write_buttons(tree_a, users, client_for):
    org = make_org(tree_a, users["admin_a"])
    for name in ("auditor_a", "grid_a"):
        client = client_for(users[name])
        body = client.get(reverse("orgs:list")).content.decode()
        assert reverse("orgs:create") not in body and reverse("orgs:import") not in body
        assert reverse("orgs:export") in body
        assert reverse("orgs:edit", args=[org.pk]) not in client.get(reverse("orgs:detail", args=[org.pk])).content.decode()
        assert client.get(reverse("orgs:create")).status_code == 404
        assert client.get(reverse("orgs:import")).status_code == 404


# --- export ----------------------------------------------------------------------------------


def test_export_returns_every_filtered_row(tree_a, users, client_for):
    admin = users["admin_a"]
    foundations = {make_org(tree_a, admin, kind=OrgKind.FOUNDATION).name for _ in range(23)}
    make_org(tree_a, admin, kind=OrgKind.ASSOCIATION, name="不应导出的协会")
    make_org(tree_a, admin, kind=OrgKind.FOUNDATION, region_key="community2", name="街道外的基金会")
    response = client_for(users["street_a"]).get(reverse("orgs:export"), {"kind": "foundation", "page": 1})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == IMPORT_COLUMNS[0].label
    assert {row[0] for row in rows[1:] if row[0]} == foundations
    with tenant_context(tree_a["tenant"]):
        event = AuditEvent.objects.get(action="organization.export")
    assert event.actor_id == users["street_a"].pk
    assert event.changes == {"filters": {"kind": "foundation", "sort": "name"}, "rows": 23}


# --- import ----------------------------------------------------------------------------------


def _workbook(rows: list[dict]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.label for column in IMPORT_COLUMNS])
    for row in rows:
        sheet.append([row.get(column.key, "") for column in IMPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, content: bytes, name="组织.xlsx", capture=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    with capture(execute=True):
        return client.post(reverse("orgs:import"), {"file": upload}, **EN)


def test_import_upload_shows_success(tree_a, users, client_for, django_capture_on_commit_callbacks):
    client = client_for(users["street_a"])
    assert reverse("imports:template", args=[IMPORTER_KEY]) in client.get(reverse("orgs:import")).content.decode()
    row = {"name": "导入的协会", "kind": "社会团体", "uscc": code_for(OrgKind.ASSOCIATION),
           "legal_representative": "王五", "region_code": tree_a["community"].code}
    response = _upload(client, _workbook([row]), capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    with tenant_context(tree_a["tenant"]):
        job = ImportJob.objects.get()
        assert job.status == ImportStatus.SUCCEEDED
        assert Organization.objects.filter(name="导入的协会").exists()
    assert response["Location"] == reverse("imports:status", args=[job.pk])
    body = client.get(response["Location"], **EN).content.decode()
    assert "1 organization was imported." in body and 'hx-trigger="every 1s"' not in body
    # Someone else's import is not found.
    assert client_for(users["street2_a"]).get(response["Location"]).status_code == 404


def test_import_failure_lists_errors_and_offers_the_report(tree_a, users, client_for,
                                                             django_capture_on_commit_callbacks):
    client = client_for(users["street_a"])
    row = {"name": "坏代码协会", "kind": "社会团体", "uscc": "12345",
           "legal_representative": "王五", "region_code": tree_a["community"].code}
    response = _upload(client, _workbook([row]), capture=django_capture_on_commit_callbacks)
    with tenant_context(tree_a["tenant"]):
        job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    body = client.get(response["Location"], **EN).content.decode()
    assert "Nothing was imported" in body and "has 18 characters" in body
    report = client.get(reverse("imports:report", args=[job.pk]))
    assert report.status_code == 200 and "filename*=UTF-8''" in report["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).worksheets[0].iter_rows(values_only=True))
    assert rows[1][0] == 2
    assert client_for(users["street2_a"]).get(reverse("imports:report", args=[job.pk])).status_code == 404


def test_import_status_polls_while_running(tree_a, users, client_for):
    from django.core.files.base import ContentFile

    with tenant_context(tree_a["tenant"]):
        job = ImportJob(tenant=tree_a["tenant"], importer=IMPORTER_KEY, original_name="x.xlsx",
                        created_by=users["street_a"],
                        status=ImportStatus.RUNNING, total_rows=200, processed_rows=50)
        job.file.save("x.xlsx", ContentFile(b"x"), save=False)
        job.save()
    client = client_for(users["street_a"])
    body = client.get(reverse("imports:status", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and "width: 25%" in body
    partial = client.get(reverse("imports:status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="import-progress"' in partial


def test_import_refuses_other_files(tree_a, users, client_for, django_capture_on_commit_callbacks):
    response = _upload(client_for(users["street_a"]), b"hello", name="组织.csv",
                       capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200 and ".xlsx" in response.content.decode()
    with tenant_context(tree_a["tenant"]):
        assert not ImportJob.objects.exists()


def test_import_template_download(tree_a, users, client_for):
    response = client_for(users["street_a"]).get(reverse("orgs:import-template"))
    assert response.status_code == 200 and "filename*=UTF-8''" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content)).worksheets[0].cell(1, 1).value == IMPORT_COLUMNS[0].label


# --- home panel and navigation ---------------------------------------------------------------


def test_home_panel_counts_the_jurisdiction(tree_a, users, client_for):
    admin = users["admin_a"]
    make_org(tree_a, admin, region_key="community", kind=OrgKind.FOUNDATION)
    listed = make_org(tree_a, admin, region_key="community_other")
    make_org(tree_a, admin, region_key="street")
    make_org(tree_a, admin, region_key="community2")  # another street
    with tenant_context(tree_a["tenant"]):
        services.credit_add(actor=admin, organization=listed, list_type=CreditList.SERIOUS,
                            reason=CreditReason.LARGE_FINE, listed_on=datetime.date(2025, 3, 1))
    response = client_for(users["street_a"]).get("/", **EN)
    panel = next(p for p in response.context["panels"] if p["template"] == "orgs/registry/_home_panel.html")
    assert panel["stats"]["total"] == 3
    assert panel["by_credit"] == {"abnormal": 0, "serious": 1, "none": 2}
    assert {row["code"]: row["count"] for row in panel["by_kind"]} == {"association": 2, "foundation": 1}
    body = response.content.decode()
    assert "/orgs/?credit=serious" in body and "/orgs/?kind=foundation" in body
    assert 'href="/orgs/"' in body  # navigation entry


def test_organization_users_land_on_their_portal(tree_a, users, client_for):
    response = client_for(users["org_a"]).get("/")
    assert response.status_code == 302 and response["Location"] == "/orgs/portal/"
    page = client_for(users["org_a"]).get("/", follow=True)
    assert page.status_code == 200 and 'href="/orgs/"' not in page.content.decode()


def test_home_panel_links_the_portal_for_staff_who_also_act_for_an_organization(tree_a, users, client_for):
    from governance import services as core_services
    from governance.models import Role

    with tenant_context(tree_a["tenant"]):
        core_services.role_assign(actor=None, user=users["street_a"], region=tree_a["root"], role=Role.ORG_USER)
    response = client_for(users["street_a"]).get("/")
    assert response.status_code == 200
    panels = [p for p in response.context["panels"] if p["template"] == "orgs/registry/_home_panel.html"]
    assert panels


def test_list_rows_escape_names_and_show_grade_credit_and_links(tree_a, users, client_for):
    """The rows are written in Python (orgs.templatetags.registry_tags.organization_rows): same cells as before."""
    admin = users["admin_a"]
    org = make_org(tree_a, admin, name='<script>alert("x")</script>协会')
    with tenant_context(tree_a["tenant"]):
        services.credit_add(actor=admin, organization=org, list_type=CreditList.ABNORMAL,
                            reason=CreditReason.UNREACHABLE, listed_on=datetime.date(2025, 1, 5))
    plain = make_org(tree_a, admin, name="乙协会", registered_date=datetime.date(2016, 5, 2))
    body = client_for(admin).get(reverse("orgs:list"), **EN).content.decode()
    assert '<script>alert("x")' not in body and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;协会" in body
    assert f'href="{reverse("orgs:detail", args=[org.pk])}"' in body
    assert f'href="{reverse("orgs:detail", args=[plain.pk])}"' in body
    assert "Abnormal activities list</span>" in body and "Not listed</span>" in body
    assert 'data-label="Name"' in body and "2016-05-02" in body and f"<code class=\"text-nowrap\">{plain.uscc}</code>" in body
    assert 'class="badge text-bg-success">Active</span>' in body
