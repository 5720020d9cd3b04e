"""Attachments of applications (issue 9 item 2): upload, list, download and removal in the UI and the API; bad
files, wrong states, tenant B and out-of-jurisdiction users (404), the drawn experts' access, audit, budgets."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from projects import services
from projects.models import ApplicationAttachment, AssignmentStatus, ReviewAssignment
from projects.services import application_files
from projects.tests.conftest import new_application

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
API = "/api/v1/projects/applications"
# The application detail page as the applying unit sees it; its files are one query with their uploaders.
DETAIL_QUERIES = 16


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def pdf(name="居民需求调查.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def draft(tree_a, users, program):
    return new_application(tree_a, users, program)


def attach(tree_a, users, application, upload=None):
    with tenant_context(tree_a["tenant"]):
        return application_files.application_attachment_add(actor=users["community_a"], application=application,
                                                            uploaded_file=upload or pdf())


def _files(tree_a, application):
    with tenant_context(tree_a["tenant"]):
        return list(ApplicationAttachment.objects.filter(application=application).values_list("name", flat=True))


def _actions(tree_a, application):
    with tenant_context(tree_a["tenant"]):
        return list(AuditEvent.objects.filter(action__startswith="application.attachment",
                                              object_id=str(application.pk)).values_list("action", flat=True)
                    .order_by("id"))


def test_ui_upload_list_download_remove(client_for, tree_a, users, draft, django_capture_on_commit_callbacks):
    community = client_for(users["community_a"])
    response = community.post(f"/projects/applications/{draft.pk}/attachments/", {"file": pdf()})
    assert response.status_code == 302
    assert _files(tree_a, draft) == ["居民需求调查.pdf"]
    page = community.get(f"/projects/applications/{draft.pk}/").content.decode()
    assert "居民需求调查.pdf" in page and "上传附件" in page and "data-confirm" in page
    with tenant_context(tree_a["tenant"]):
        attachment = ApplicationAttachment.objects.get(application=draft)
    url = f"/projects/applications/{draft.pk}/attachments/{attachment.pk}/"
    for who in ("community_a", "street_a", "auditor_a"):
        download = client_for(users[who]).get(url)
        assert download.status_code == 200, who
        assert b"".join(download.streaming_content) == PDF
        assert "attachment" in download["Content-Disposition"]
    with django_capture_on_commit_callbacks(execute=True):
        removed = community.post(f"{url}delete/", follow=True).content.decode()
    assert "附件已删除" in removed and "暂无附件" in removed
    assert _files(tree_a, draft) == []
    assert _actions(tree_a, draft) == ["application.attachment_add"] + ["application.attachment_download"] * 3 + [
        "application.attachment_delete"]
    with tenant_context(tree_a["tenant"]):
        assert not attachment.file.storage.exists(attachment.file.name)


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("setup.exe", b"MZ\x90\x00"), "允许的文件类型"),
    (SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024)), "10 MB"),
    (SimpleUploadedFile("empty.pdf", b""), "文件是空的"),
    (SimpleUploadedFile("photo.pdf", PNG), "不是 PDF 文件"),
    (SimpleUploadedFile("noext", PDF), "允许的文件类型"),
])
def test_bad_files_are_refused_in_chinese_and_nothing_is_saved(client_for, tree_a, users, draft, upload, message):
    page = client_for(users["community_a"]).post(f"/projects/applications/{draft.pk}/attachments/",
                                                 {"file": upload}, follow=True).content.decode()
    assert message in page
    assert _files(tree_a, draft) == [] and _actions(tree_a, draft) == []


@pytest.mark.parametrize("name", ["bad\x07name.pdf", "invoice\u202efdp.exe.pdf", "  "])
def test_names_with_control_characters_or_nothing_are_refused(name):
    # Django's multipart parser already drops such characters; the service does not rely on it.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        application_files.check_upload(SimpleUploadedFile(name, PDF))
    assert "控制字符" in str(error.value.message_dict["file"])


def test_long_names_are_shortened_and_keep_their_extension():
    name = application_files.check_upload(SimpleUploadedFile("长" * 300 + ".PDF", PDF))
    assert len(name) == 200 and name.endswith(".PDF")


def test_missing_file_duplicate_name_and_the_count_limit(client_for, tree_a, users, draft, monkeypatch):
    community = client_for(users["community_a"])
    page = community.post(f"/projects/applications/{draft.pk}/attachments/", {}, follow=True).content.decode()
    assert "请选择文件" in page
    attach(tree_a, users, draft)
    page = community.post(f"/projects/applications/{draft.pk}/attachments/", {"file": pdf()},
                          follow=True).content.decode()
    assert "已有名为 居民需求调查.pdf 的附件" in page
    monkeypatch.setattr(application_files, "MAX_ATTACHMENTS", 1)
    page = community.post(f"/projects/applications/{draft.pk}/attachments/", {"file": pdf("另一份.pdf")},
                          follow=True).content.decode()
    assert "最多 1 个附件" in page
    assert _files(tree_a, draft) == ["居民需求调查.pdf"]


def test_a_submitted_application_takes_no_files_and_keeps_its_own(client_for, api_for, tree_a, users, draft):
    attachment = attach(tree_a, users, draft)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=draft)
    community = client_for(users["community_a"])
    page = community.post(f"/projects/applications/{draft.pk}/attachments/", {"file": pdf("补充.pdf")},
                          follow=True).content.decode()
    assert "只有草稿或退回修改的申报才能添加或删除附件" in page
    community.post(f"/projects/applications/{draft.pk}/attachments/{attachment.pk}/delete/")
    assert _files(tree_a, draft) == ["居民需求调查.pdf"]
    detail = community.get(f"/projects/applications/{draft.pk}/").content.decode()
    assert "居民需求调查.pdf" in detail and "上传附件" not in detail
    api = api_for(users["community_a"])
    refused = api.post(f"{API}/{draft.pk}/attachments/", {"file": pdf("补充.pdf")}, format="multipart")
    assert refused.status_code == 409 and "草稿" in refused.json()["message"]
    assert api.delete(f"{API}/{draft.pk}/attachments/{attachment.pk}/").status_code == 409
    with tenant_context(tree_a["tenant"]):
        services.application_decide(actor=users["street_a"], application=draft, to="returned", note="补充材料")
    assert api.post(f"{API}/{draft.pk}/attachments/", {"file": pdf("补充.pdf")},
                    format="multipart").status_code == 201


def test_other_tenant_outside_jurisdiction_and_unrelated_users_get_404(client_for, api_for, tree_a, users, draft):
    attachment = attach(tree_a, users, draft)
    ui = f"/projects/applications/{draft.pk}/attachments/"
    api = f"{API}/{draft.pk}/attachments/"
    for who in ("street_b", "admin_b", "street2_a", "org_a", "expert_a", "grid_a", "norole_a"):
        web = client_for(users[who])
        assert web.post(ui, {"file": pdf("x.pdf")}).status_code == 404, who
        assert web.get(f"{ui}{attachment.pk}/").status_code == 404, who
        assert web.post(f"{ui}{attachment.pk}/delete/").status_code == 404, who
        client = api_for(users[who])
        assert client.get(api).status_code == 404, who
        assert client.post(api, {"file": pdf("x.pdf")}, format="multipart").status_code == 404, who
        for url in (f"{api}{attachment.pk}/", f"{api}{attachment.pk}/file/"):
            assert client.get(url).status_code == 404, (who, url)
        assert client.delete(f"{api}{attachment.pk}/").status_code == 404, who
    assert _files(tree_a, draft) == ["居民需求调查.pdf"]
    assert _actions(tree_a, draft) == ["application.attachment_add"]


def test_a_file_of_another_application_is_404(client_for, api_for, tree_a, users, program, draft):
    other = new_application(tree_a, users, program)
    attachment = attach(tree_a, users, other)
    assert client_for(users["community_a"]).get(
        f"/projects/applications/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert api_for(users["community_a"]).delete(f"{API}/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert _files(tree_a, other) == ["居民需求调查.pdf"]


def test_drawn_experts_read_the_files_until_they_recuse(client_for, api_for, tree_a, users, program, experts, draft):
    attachment = attach(tree_a, users, draft)
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=draft)
        services.application_start_review(actor=users["street_a"], application=draft, seed="fileseed01")
        assignments = list(ReviewAssignment.objects.filter(application=draft).select_related("expert__user"))
        drawn = {a.expert.user_id for a in assignments}
    outsider = next(e.user for e in experts if e.user_id not in drawn)
    assignment = assignments[0]
    expert = assignment.expert.user
    page = client_for(expert).get(f"/projects/reviews/{assignment.pk}/").content.decode()
    assert "居民需求调查.pdf" in page and "上传附件" not in page
    url = f"/projects/applications/{draft.pk}/attachments/{attachment.pk}/"
    assert client_for(expert).get(url).status_code == 200
    body = api_for(expert).get(f"{API}/{draft.pk}/attachments/").json()
    assert [r["name"] for r in body["results"]] == ["居民需求调查.pdf"]
    assert api_for(expert).get(f"{API}/{draft.pk}/attachments/{attachment.pk}/file/").status_code == 200
    assert api_for(expert).delete(f"{API}/{draft.pk}/attachments/{attachment.pk}/").status_code == 404
    assert client_for(outsider).get(url).status_code == 404
    assert api_for(outsider).get(f"{API}/{draft.pk}/attachments/").status_code == 404
    with tenant_context(tree_a["tenant"]):
        services.assignment_recuse(actor=expert, assignment=assignment, reason="与申报单位有亲属关系")
        assert ReviewAssignment.objects.get(pk=assignment.pk).status == AssignmentStatus.RECUSED
    assert client_for(expert).get(url).status_code == 404
    assert api_for(expert).get(f"{API}/{draft.pk}/attachments/{attachment.pk}/file/").status_code == 404


def test_api_upload_list_detail_download_delete(api_for, tree_a, users, draft):
    client = api_for(users["community_a"])
    created = client.post(f"{API}/{draft.pk}/attachments/", {"file": pdf()}, format="multipart")
    assert created.status_code == 201, created.content
    row = created.json()
    assert row["name"] == "居民需求调查.pdf" and row["application"] == draft.pk
    assert row["uploaded_by"] == users["community_a"].pk
    listed = client.get(f"{API}/{draft.pk}/attachments/").json()
    assert listed["count"] == 1 and listed["results"] == [row]
    assert client.get(f"{API}/{draft.pk}/attachments/{row['id']}/").json() == row
    download = client.get(f"{API}/{draft.pk}/attachments/{row['id']}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/octet-stream"  # as documented
    again = client.post(f"{API}/{draft.pk}/attachments/", {"file": pdf()}, format="multipart")
    assert again.status_code == 409
    assert client.delete(f"{API}/{draft.pk}/attachments/{row['id']}/").status_code == 204
    assert client.delete(f"{API}/{draft.pk}/attachments/{row['id']}/").status_code == 404
    assert _actions(tree_a, draft) == ["application.attachment_add", "application.attachment_download",
                                       "application.attachment_delete"]


def test_api_bad_uploads_are_400_never_500(api_for, tree_a, users, draft):
    client = api_for(users["community_a"])
    url = f"{API}/{draft.pk}/attachments/"
    cases = [
        client.post(url, {}, format="multipart"),
        client.post(url, {"file": "not a file"}, format="multipart"),
        client.post(url, {"file": SimpleUploadedFile("a.exe", b"MZ")}, format="multipart"),
        client.post(url, {"file": SimpleUploadedFile("a.docx", PDF)}, format="multipart"),
        client.post(url, {"file": SimpleUploadedFile("a.pdf", b"")}, format="multipart"),
        client.post(url, b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF",
                    content_type="multipart/form-data; boundary=x"),
        client.post(url, b"garbage", content_type="multipart/form-data"),
    ]
    for response in cases:
        assert response.status_code == 400, response.content
        assert response.json()["message"]
    assert client.post(url, {"file": "x"}, format="json").status_code == 415
    assert _files(tree_a, draft) == []


def _adder(tree_a, users, application):
    """``make_rows(n)`` for the query budgets: ``n`` more files on the application."""
    made = []

    def make(n):
        for _ in range(n):
            made.append(attach(tree_a, users, application, pdf(f"附件{len(made)}.pdf")))

    return make


def test_attachment_list_api_query_count_does_not_grow(api_for, tree_a, users, draft, query_budget):
    client = api_for(users["street_a"])
    # The other list APIs' four (savepoint, token, count, page) and the application's access check.
    query_budget(_adder(tree_a, users, draft), lambda: client.get(f"{API}/{draft.pk}/attachments/"), expected=5,
                 rows=lambda r: len(r.json()["results"]), sizes=(3, 20), warm=True)


def test_detail_page_query_count_does_not_grow_with_files(client_for, tree_a, users, draft, query_budget):
    client = client_for(users["community_a"])
    query_budget(_adder(tree_a, users, draft), lambda: client.get(f"/projects/applications/{draft.pk}/"),
                 expected=DETAIL_QUERIES, sizes=(3, 20), warm=True)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_uploads_of_one_file_leave_one(tree_a, users, program, api_for, settings, tmp_path):
    from orgs.tests.test_concurrency import _in_parallel

    assert connection.vendor == "postgresql"
    application = new_application(tree_a, users, program)
    client = api_for(users["community_a"])
    results = _in_parallel(5, lambda: client.post(f"{API}/{application.pk}/attachments/", {"file": pdf()},
                                                  format="multipart"))
    assert sorted(r.status_code for r in results) == [201, 409, 409, 409, 409]
    assert _files(tree_a, application) == ["居民需求调查.pdf"]
