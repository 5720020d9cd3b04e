"""Co-signers of applications (居民代表联署, issue 9 item 2): edited with the application in the form and the API
(create and PATCH), only while draft or returned; names required and once each, at most 30, no future dates;
shown on the detail page; audited; tenant B and out-of-jurisdiction users get 404."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from projects import services
from projects.models import ApplicationCosigner
from projects.tests.conftest import BUDGET, TASKBOOK, form_rows, new_application

API = "/api/v1/projects/applications"
TODAY = timezone.localdate()


def _signers(tree_a, application):
    with tenant_context(tree_a["tenant"]):
        return list(ApplicationCosigner.objects.filter(application=application).order_by("id")
                    .values_list("name", "capacity", "signed_on"))


def _form(program, tree_a, signers, initial=0, **extra):
    """The application form's POST; ``initial`` > 0: an edit, whose budget and task book rows are the initial ones."""
    data = {"program": program.pk, "region": tree_a["community"].pk, "title": "楼道微更新",
            "need_statement": "老旧小区楼道照明不足。", "target_groups": "居民", "beneficiaries": 80,
            "service_period_months": 12, "cosigners-TOTAL_FORMS": len(signers),
            "cosigners-INITIAL_FORMS": initial} | form_rows(edit=bool(initial))
    for i, row in enumerate(signers):
        data |= {f"cosigners-{i}-{k}": v for k, v in row.items()}
    return data | extra


def test_form_adds_shows_and_removes_cosigners(client_for, tree_a, users, program):
    client = client_for(users["community_a"])
    signers = [{"name": "刘大爷", "capacity": "楼栋长", "signed_on": "2026-03-01"},
               {"name": "王阿姨", "capacity": "", "signed_on": "2026-03-02"}]
    response = client.post(reverse("projects:application-create"), _form(program, tree_a, signers))
    assert response.status_code == 302, response.content.decode()[:2000]
    application = response.url.rstrip("/").rsplit("/", 1)[-1]
    with tenant_context(tree_a["tenant"]):
        from projects.models import Application

        application = Application.objects.get(pk=int(application))
    assert _signers(tree_a, application) == [("刘大爷", "楼栋长", datetime.date(2026, 3, 1)),
                                             ("王阿姨", "", datetime.date(2026, 3, 2))]
    detail = client.get(f"/projects/applications/{application.pk}/").content.decode()
    assert "刘大爷 · 楼栋长 · 2026-03-01" in detail and "王阿姨 · 2026-03-02" in detail
    edit = client.get(f"/projects/applications/{application.pk}/edit/").content.decode()
    assert 'value="刘大爷"' in edit and "联署人（居民代表）" in edit
    assert 'value="2026-03-01"' in edit and 'value="2026-03-02"' in edit  # a date input shows its date (ISO)
    # Remove the first (the delete box), keep the second, add a third in an empty row.
    changed = [dict(signers[0], DELETE="on"), signers[1], {"name": "张师傅", "capacity": "居民代表",
                                                           "signed_on": "2026-03-05"}]
    response = client.post(f"/projects/applications/{application.pk}/edit/",
                           _form(program, tree_a, changed, initial=2))
    assert response.status_code == 302
    assert [s[0] for s in _signers(tree_a, application)] == ["王阿姨", "张师傅"]
    with tenant_context(tree_a["tenant"]):
        # Unchanged rows of the budget and the task book are kept, not dropped as blank extra rows.
        assert application.budget_lines.count() == 2 and application.indicators.count() == 2
        application.refresh_from_db()
        assert application.requested_amount == 50000
    with tenant_context(tree_a["tenant"]):
        event = AuditEvent.objects.filter(action="application.update", object_id=str(application.pk)).latest("id")
    assert event.changes["cosigners"][0][0][0] == "刘大爷" and event.changes["cosigners"][1][1][0] == "张师傅"


@pytest.mark.parametrize(("signers", "message"), [
    ([{"name": "刘大爷", "signed_on": "2026-03-01"}, {"name": " 刘大爷 ", "signed_on": "2026-03-02"}],
     "刘大爷 在联署人中重复出现"),
    ([{"name": "", "capacity": "楼栋长", "signed_on": "2026-03-01"}], "此项为必填项"),
    ([{"name": "刘大爷", "signed_on": ""}], "此项为必填项"),
    ([{"name": "刘大爷", "signed_on": "2026-02-30"}], "请输入有效的日期"),
    ([{"name": "刘大爷", "signed_on": (TODAY + datetime.timedelta(days=1)).isoformat()}], "联署人的签名日期不能晚于今天"),
    ([{"name": f"居民{i}", "signed_on": "2026-03-01"} for i in range(31)], "30"),
])
def test_form_refuses_bad_cosigners_and_saves_nothing(client_for, tree_a, users, program, signers, message):
    client = client_for(users["community_a"])
    response = client.post(reverse("projects:application-create"), _form(program, tree_a, signers))
    assert response.status_code == 200
    assert message in response.content.decode()
    with tenant_context(tree_a["tenant"]):
        assert not ApplicationCosigner.objects.exists()
        from projects.models import Application

        assert not Application.objects.filter(title="楼道微更新").exists()


def _payload(program, tree_a, cosigners):
    return {"program": program.pk, "region": tree_a["community"].pk, "title": "API联署", "need_statement": "需求",
            "target_groups": "老人", "budget_lines": [{**x, "amount": str(x["amount"])} for x in BUDGET],
            "indicators": [{**x, "target": str(x["target"]), "weight": str(x["weight"])} for x in TASKBOOK],
            "cosigners": cosigners}


def test_api_create_and_patch_cosigners(api_for, tree_a, users, program):
    client = api_for(users["community_a"])
    created = client.post(f"{API}/", _payload(program, tree_a, [{"name": "刘大爷", "capacity": "楼栋长",
                                                                "signed_on": "2026-03-01"}]), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["cosigners"] == [{"name": "刘大爷", "capacity": "楼栋长", "signed_on": "2026-03-01"}]
    pk = body["id"]
    patched = client.patch(f"{API}/{pk}/", {"cosigners": [{"name": "王阿姨", "signed_on": "2026-03-02"}],
                                            "title": "改名"}, format="json")
    assert patched.status_code == 200, patched.content
    assert patched.json()["cosigners"] == [{"name": "王阿姨", "capacity": "", "signed_on": "2026-03-02"}]
    assert patched.json()["title"] == "改名" and len(patched.json()["budget_lines"]) == 2
    kept = client.patch(f"{API}/{pk}/", {"title": "再改"}, format="json").json()
    assert [c["name"] for c in kept["cosigners"]] == ["王阿姨"]
    assert client.patch(f"{API}/{pk}/", {"cosigners": []}, format="json").json()["cosigners"] == []
    without = client.post(f"{API}/", dict(_payload(program, tree_a, []), title="无联署"), format="json")
    assert without.status_code == 201 and without.json()["cosigners"] == []


@pytest.mark.parametrize("cosigners", [
    [{"name": "刘大爷", "signed_on": "2026-03-01"}, {"name": "刘大爷", "signed_on": "2026-03-02"}],
    [{"signed_on": "2026-03-01"}],
    [{"name": "", "signed_on": "2026-03-01"}],
    [{"name": 5, "signed_on": "2026-03-01"}],
    [{"name": "刘大爷"}],
    [{"name": "刘大爷", "signed_on": "2026-13-01"}],
    [{"name": "刘大爷", "signed_on": 20260301}],
    [{"name": "刘大爷", "signed_on": (TODAY + datetime.timedelta(days=1)).isoformat()}],
    [{"name": "长" * 51, "signed_on": "2026-03-01"}],
    [{"name": f"居民{i}", "signed_on": "2026-03-01"} for i in range(31)],
    "刘大爷",
    [None],
])
def test_api_refuses_bad_cosigners_with_400(api_for, tree_a, users, program, cosigners):
    client = api_for(users["community_a"])
    refused = client.post(f"{API}/", _payload(program, tree_a, cosigners), format="json")
    assert refused.status_code == 400, refused.content
    assert refused.json()["message"]
    application = new_application(tree_a, users, program)
    patched = client.patch(f"{API}/{application.pk}/", {"cosigners": cosigners}, format="json")
    assert patched.status_code == 400, patched.content
    with tenant_context(tree_a["tenant"]):
        assert not ApplicationCosigner.objects.exists()


def test_cosigners_change_only_while_draft_or_returned(api_for, client_for, tree_a, users, program):
    application = new_application(tree_a, users, program,
                                  cosigners=[{"name": "刘大爷", "capacity": "", "signed_on": TODAY}])
    with tenant_context(tree_a["tenant"]):
        services.application_submit(actor=users["community_a"], application=application)
    client = api_for(users["community_a"])
    refused = client.patch(f"{API}/{application.pk}/", {"cosigners": []}, format="json")
    assert refused.status_code == 409 and "草稿" in refused.json()["message"]
    assert client_for(users["community_a"]).get(f"/projects/applications/{application.pk}/edit/").status_code in (
        200, 302, 404)
    assert _signers(tree_a, application) == [("刘大爷", "", TODAY)]
    with tenant_context(tree_a["tenant"]):
        services.application_decide(actor=users["street_a"], application=application, to="returned", note="补充联署")
    assert client.patch(f"{API}/{application.pk}/", {"cosigners": []}, format="json").status_code == 200
    assert _signers(tree_a, application) == []


def test_other_tenant_and_outside_jurisdiction_get_404(api_for, client_for, tree_a, users, program):
    application = new_application(tree_a, users, program,
                                  cosigners=[{"name": "刘大爷", "capacity": "", "signed_on": TODAY}])
    for who in ("street_b", "admin_b", "street2_a", "expert_a", "org_a", "norole_a"):
        response = api_for(users[who]).patch(f"{API}/{application.pk}/", {"cosigners": []}, format="json")
        assert response.status_code == 404, who
        assert client_for(users[who]).post(f"/projects/applications/{application.pk}/edit/", {}).status_code == 404
    assert _signers(tree_a, application) == [("刘大爷", "", TODAY)]
    # Street staff over the applying community may write it (APPLY_ROLES over the unit's subtree).
    street = api_for(users["street_a"]).patch(f"{API}/{application.pk}/", {"cosigners": []}, format="json")
    assert street.status_code == 200 and _signers(tree_a, application) == []
