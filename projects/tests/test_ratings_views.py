"""Resident satisfaction over HTTP: the public page by short code only (CSRF, device cookie, limits, flood),
the staff pages and API (tenant B and out-of-jurisdiction users get 404), exact query counts at two sizes."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from governance.models import AuditEvent
from governance.tenancy import tenant_context
from projects import selectors_ratings as selectors
from projects.models.ratings import RatingChannel, RatingCode, RatingResponse, RatingSurvey
from projects.services import ratings as services
from projects.tests.test_ratings import make_contract


@pytest.fixture
def contract(tree_a):
    return make_contract(tree_a)


@pytest.fixture
def survey(tree_a, users, contract):
    with tenant_context(tree_a["tenant"]):
        return services.survey_open(actor=users["street_a"], contract=contract)


@pytest.fixture
def questions(tree_a, survey):
    with tenant_context(tree_a["tenant"]):
        return selectors.survey_questions(survey)


def form_data(questions, *stars, **extra):
    data = {f"q{q.pk}": str(s) for q, s in zip(questions, stars, strict=False)}
    return {**data, **extra}


def count(tree_a, **filters):
    with tenant_context(tree_a["tenant"]):
        return RatingResponse.objects.filter(**filters).count()


def resident(ip="198.51.100.7"):
    """A phone: its own cookie jar, one address."""
    return Client(REMOTE_ADDR=ip)


# --- public page ---------------------------------------------------------------------------------


def test_public_page_by_short_code_only(survey, questions):
    phone = resident()
    page = phone.get(f"/r/{survey.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "服务满意度评价" in body and questions[0].text in body and "csrfmiddlewaretoken" in body
    assert "rating_device" in page.cookies
    assert phone.get(f"/r/{survey.code.upper()}/").status_code == 200
    for path in ("/r/aaaaaaaa/", "/r/short/", f"/r/{survey.code}x/", "/r/00000000/"):
        assert phone.get(path).status_code == 404, path


def test_public_rating_is_counted_once_and_thanks(tree_a, survey, questions):
    phone = resident()
    phone.get(f"/r/{survey.code}/")
    answer = phone.post(f"/r/{survey.code}/", form_data(questions, 5, 4, 4, 5, comment="很满意"))
    assert answer.status_code == 302 and answer["Location"] == f"/r/{survey.code}/thanks/"
    assert "谢谢" in phone.get(answer["Location"]).content.decode()
    again = phone.post(f"/r/{survey.code}/", form_data(questions, 5, 4, 4, 5, comment="很满意"))
    assert again.status_code == 400 and "已收到" in again.content.decode()
    assert count(tree_a, channel=RatingChannel.ONLINE) == 1
    with tenant_context(tree_a["tenant"]):
        assert AuditEvent.objects.filter(action="rating.response").count() == 1


def test_public_form_needs_the_csrf_token_and_the_device_cookie(tree_a, survey, questions):
    strict = Client(enforce_csrf_checks=True, REMOTE_ADDR="198.51.100.8")
    strict.get(f"/r/{survey.code}/")
    assert strict.post(f"/r/{survey.code}/", form_data(questions, 5, 5, 5, 5)).status_code == 403
    cookieless = resident()
    refused = cookieless.post(f"/r/{survey.code}/", form_data(questions, 5, 5, 5, 5))
    assert refused.status_code == 400 and "Cookie" in refused.content.decode()
    forged = resident()
    forged.cookies["rating_device"] = "forged-not-signed"
    assert forged.post(f"/r/{survey.code}/", form_data(questions, 5, 5, 5, 5)).status_code == 400
    assert count(tree_a) == 0


@pytest.mark.parametrize("data, message", [
    ({}, "1 到 5 星"), ({"stars": (5, 5, 5, 9)}, "1 到 5 星"), ({"comment": "长" * 600}, "最多 500"),
    ({"code": "NOTACODE12"}, "无效"),
])
def test_bad_input_is_a_clear_message_never_a_500(tree_a, survey, questions, data, message):
    phone = resident()
    phone.get(f"/r/{survey.code}/")
    stars = data.pop("stars", (5, 5, 5, 5)) if data else ()
    response = phone.post(f"/r/{survey.code}/", form_data(questions, *stars, **data))
    assert response.status_code == 400 and message in response.content.decode()
    assert count(tree_a) == 0


def test_closed_survey_shows_a_clear_message(tree_a, users, survey, questions):
    with tenant_context(tree_a["tenant"]):
        services.survey_update(actor=users["street_a"], survey=survey, is_open=False, allow_open_answers=True)
    phone = resident()
    page = phone.get(f"/r/{survey.code}/")
    assert page.status_code == 200 and "已关闭" in page.content.decode() and "提交评价" not in page.content.decode()
    refused = phone.post(f"/r/{survey.code}/", form_data(questions, 5, 5, 5, 5))
    assert refused.status_code == 400 and "已关闭" in refused.content.decode()


def test_one_time_code_from_the_printed_link_and_reuse_refused(tree_a, users, survey, questions):
    with tenant_context(tree_a["tenant"]):
        code = services.codes_generate(actor=users["community_a"], survey=survey, count=1)[0].code
    phone = resident()
    assert f'value="{code}"' in phone.get(f"/r/{survey.code}/?c={code}").content.decode()
    assert phone.post(f"/r/{survey.code}/", form_data(questions, 4, 4, 4, 4, code=code)).status_code == 302
    other = resident("203.0.113.9")
    other.get(f"/r/{survey.code}/")
    reused = other.post(f"/r/{survey.code}/", form_data(questions, 1, 2, 1, 2, code=code))
    assert reused.status_code == 400 and "已经使用" in reused.content.decode()
    assert count(tree_a, channel=RatingChannel.CODE) == 1


def test_flood_from_one_address_holds_the_limits(tree_a, survey, questions, settings):
    """60 phones behind one address each rate once with different answers, then one phone hammers the form:
    at most ``ip_per_hour`` answers count, every other request is a clear 400, none a 500."""
    settings.RATING_LIMITS = {"ip_per_hour": 20, "device_per_day": 2, "attempts_per_10min": 1000}
    statuses = []
    for i in range(60):
        phone = resident("192.0.2.50")
        phone.get(f"/r/{survey.code}/")
        stars = (1 + i % 5, 1 + i // 5 % 5, 1 + i // 25 % 5, 3)
        statuses.append(phone.post(f"/r/{survey.code}/", form_data(questions, *stars)).status_code)
    assert statuses.count(302) == 20 and statuses.count(400) == 40, statuses
    assert count(tree_a) == 20
    # The same answers from another address and a fresh device are still a duplicate: nothing more counts.
    phone = resident("192.0.2.51")
    phone.get(f"/r/{survey.code}/")
    assert phone.post(f"/r/{survey.code}/", form_data(questions, 1, 1, 1, 3)).status_code == 302
    assert phone.post(f"/r/{survey.code}/", form_data(questions, 1, 1, 1, 3)).status_code == 400
    assert count(tree_a) == 21


def test_attempts_per_address_cut_a_flood_off(tree_a, survey, questions, settings):
    settings.RATING_LIMITS = {"attempts_per_10min": 5}
    phone = resident("192.0.2.60")
    phone.get(f"/r/{survey.code}/")
    responses = [phone.post(f"/r/{survey.code}/", {"comment": "x"}) for _ in range(8)]
    assert [r.status_code for r in responses] == [400] * 8
    assert "请几分钟后再试" in responses[-1].content.decode()
    assert "请几分钟后再试" not in responses[0].content.decode()
    assert count(tree_a) == 0


# --- staff pages -----------------------------------------------------------------------------------


def test_street_staff_open_the_survey_from_the_contract(tree_a, users, contract, client_for):
    street = client_for(users["street_a"])
    url = f"/projects/ratings/contract/{contract.pk}/"
    assert "开启满意度评价" in street.get(url).content.decode()
    community = client_for(users["community_a"])
    assert community.post(url, {"allow_open_answers": "on"}).status_code == 404  # collects, does not open
    assert street.post(url, {"allow_open_answers": "on"}).status_code == 302
    with tenant_context(tree_a["tenant"]):
        survey = RatingSurvey.objects.get(contract=contract)
    page = street.get(url).content.decode()
    assert f"/r/{survey.code}/" in page and "<svg" in page and "评价结果" in page


def test_survey_settings_and_results_page(tree_a, users, survey, questions, client_for):
    with tenant_context(tree_a["tenant"]):
        services.paper_response_enter(actor=users["community_a"], survey=survey,
                                      answers={q.pk: 4 for q in questions}, rated_on=datetime.date(2026, 2, 3))
    street = client_for(users["street_a"])
    url = f"/projects/ratings/contract/{survey.contract_id}/"
    page = street.get(url + "?by=quarter").content.decode()
    assert "2026-Q1" in page and "4.00" in page
    refused = street.post(url, {"is_open": "on", "questions": "新题目"})
    assert refused.status_code == 200 and "不能再修改" in refused.content.decode()
    assert street.post(url, {"questions": "\n".join(q.text for q in questions)}).status_code == 302
    with tenant_context(tree_a["tenant"]):
        survey.refresh_from_db()
    assert survey.is_open is False and survey.allow_open_answers is False


def test_codes_generate_print_and_export(tree_a, users, survey, client_for):
    community = client_for(users["community_a"])
    url = f"/projects/ratings/{survey.pk}/codes/"
    assert community.post(url, {"count": "0", "label": ""}).status_code == 200  # form error, nothing made
    assert community.post(url, {"count": "4", "label": "重阳节活动"}).status_code == 302
    with tenant_context(tree_a["tenant"]):
        codes = list(RatingCode.objects.filter(survey=survey).values_list("code", flat=True))
    assert len(codes) == 4
    sheet = community.get(f"{url}print/?batch=1").content.decode()
    assert all(code in sheet for code in codes) and sheet.count("<svg") == 4
    export = community.get(f"{url}export/?batch=1")
    assert export.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values)
    assert rows[0][:3] == ("批次", "评价码", "服务场次/住户") and {row[1] for row in rows[1:]} == set(codes)
    with tenant_context(tree_a["tenant"]):
        assert AuditEvent.objects.filter(action="rating.codes_export").count() == 1
    poster = community.get(f"/projects/ratings/{survey.pk}/poster/").content.decode()
    assert "<svg" in poster and survey.contract.title in poster and "data-print" in poster
    assert community.get(f"/projects/ratings/{survey.pk}/qr.svg")["Content-Type"] == "image/svg+xml"


def test_paper_entry_page(tree_a, users, survey, questions, client_for):
    community = client_for(users["community_a"])
    url = f"/projects/ratings/{survey.pk}/paper/"
    assert community.get(url).status_code == 200
    data = form_data(questions, 5, 4, 3, 5, rated_on="2026-02-03", comment="纸质意见", code="")
    assert community.post(url, data).status_code == 302
    bad = community.post(url, {**data, "rated_on": "2099-01-01"})
    assert bad.status_code == 200 and "未来" in bad.content.decode()
    with tenant_context(tree_a["tenant"]):
        response = RatingResponse.objects.get()
    assert (response.channel, response.entered_by_id) == (RatingChannel.PAPER, users["community_a"].pk)


def test_default_questions_belong_to_the_tenant_admin(tree_a, users, client_for):
    assert client_for(users["street_a"]).get("/projects/ratings/questions/").status_code == 404
    admin = client_for(users["admin_a"])
    assert "服务态度" in admin.get("/projects/ratings/questions/").content.decode()
    assert admin.post("/projects/ratings/questions/", {"questions": "守时\n态度"}).status_code == 302
    with tenant_context(tree_a["tenant"]):
        assert services.default_question_texts() == ["守时", "态度"]
    refused = admin.post("/projects/ratings/questions/", {"questions": "重复\n重复"})
    assert refused.status_code == 200 and "只能出现一次" in refused.content.decode()


STAFF_PATHS = ["/projects/ratings/contract/{contract}/", "/projects/ratings/{survey}/poster/",
               "/projects/ratings/{survey}/qr.svg", "/projects/ratings/{survey}/codes/",
               "/projects/ratings/{survey}/codes/print/", "/projects/ratings/{survey}/codes/export/",
               "/projects/ratings/{survey}/paper/", "/api/v1/projects/ratings/{survey}/results/",
               "/api/v1/projects/ratings/{survey}/codes/"]


@pytest.mark.parametrize("username", ["street_b", "admin_b", "street2_a", "org_a", "grid_a"])
def test_other_tenant_and_outside_jurisdiction_get_404(users, survey, client_for, username):
    c = client_for(users[username])
    for path in STAFF_PATHS:
        url = path.format(contract=survey.contract_id, survey=survey.pk)
        assert c.get(url).status_code == 404, (username, url)
    assert c.post(f"/projects/ratings/{survey.pk}/codes/", {"count": "3"}).status_code == 404
    assert c.post(f"/projects/ratings/{survey.pk}/paper/", {"rated_on": "2026-02-03"}).status_code == 404


def test_auditor_sees_results_but_does_not_collect(users, survey, client_for):
    auditor = client_for(users["auditor_a"])
    assert auditor.get(f"/projects/ratings/contract/{survey.contract_id}/").status_code == 200
    assert auditor.get(f"/projects/ratings/{survey.pk}/codes/").status_code == 404
    assert auditor.get(f"/projects/ratings/{survey.pk}/paper/").status_code == 404


def test_list_shows_only_the_jurisdictions_surveys(tree_a, tree_b, users, survey, client_for):
    other = make_contract(tree_a, region_key="community2")
    other.region = tree_a["street2"]
    with tenant_context(tree_a["tenant"]):
        other.save(update_fields=["region"])
        services.survey_open(actor=users["admin_a"], contract=other)
    page = client_for(users["street_a"]).get("/projects/ratings/").content.decode()
    assert survey.contract.number in page and other.number not in page
    assert other.number in client_for(users["street2_a"]).get("/projects/ratings/").content.decode()
    assert survey.contract.number not in client_for(users["street_b"]).get("/projects/ratings/").content.decode()
    assert client_for(users["org_a"]).get("/projects/ratings/").status_code == 404


def test_survey_export_is_scoped_filtered_and_audited(tree_a, tree_b, users, survey, questions, client_for):
    import io

    from openpyxl import load_workbook

    from governance.models import AuditEvent

    with tenant_context(tree_a["tenant"]):
        services.paper_response_enter(actor=users["community_a"], survey=survey,
                                      answers={q.pk: 4 for q in questions}, rated_on=survey.contract.start_date)

    def rows(user, query=""):
        response = client_for(user).get(f"/projects/ratings/export/{query}")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [tuple(row) for row in sheet.iter_rows(min_row=2, values_only=True)]

    [row] = rows(users["street_a"])
    assert row[0] == survey.contract.number and row[3] == 1 and row[4] == 4 and row[6] == "开放"
    assert rows(users["street_a"], "?is_open=0") == []
    assert rows(users["street2_a"]) == [] and rows(users["street_b"]) == []
    with tenant_context(tree_a["tenant"]):
        events = list(AuditEvent.objects.filter(action="rating.surveys_export", actor=users["street_a"]).order_by("pk"))
    assert [e.changes["rows"] for e in events] == [1, 0] and events[1].changes["filters"] == {"is_open": "0"}
    assert client_for(users["org_a"]).get("/projects/ratings/export/").status_code == 404
    assert "/projects/ratings/export/" in client_for(users["street_a"]).get("/projects/ratings/").content.decode()


# --- API ---------------------------------------------------------------------------------------------


def test_api_results_and_codes(tree_a, users, survey, questions, api_for):
    with tenant_context(tree_a["tenant"]):
        services.paper_response_enter(actor=users["community_a"], survey=survey,
                                      answers={q.pk: s for q, s in zip(questions, (5, 4, 3, 5), strict=True)},
                                      rated_on=datetime.date(2026, 3, 3))
    api = api_for(users["street_a"])
    listing = api.get("/api/v1/projects/ratings/").json()
    assert listing["results"][0]["code"] == survey.code and listing["results"][0]["responses"] == 1
    assert listing["results"][0]["mean_stars"] == "4.25"
    results = api.get(f"/api/v1/projects/ratings/{survey.pk}/results/?by=quarter").json()
    period = results["periods"][0]
    assert (period["period"], period["responses"], period["paper"], period["mean"]) == ("2026-Q1", 1, 1, "4.25")
    assert period["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 2}
    one = api.get(f"/api/v1/projects/ratings/{survey.pk}/results/?period=2026-03").json()["periods"]
    assert [p["satisfied_share"] for p in one] == ["75.00"]
    bad = api.get(f"/api/v1/projects/ratings/{survey.pk}/results/?period=2026-13")
    assert bad.status_code == 400 and "2026-Q1" in bad.json()["message"]
    assert api.get(f"/api/v1/projects/ratings/{survey.pk}/results/?by=week").status_code == 400
    made = api.post(f"/api/v1/projects/ratings/{survey.pk}/codes/", {"count": 3, "label": "入户"}, format="json")
    assert made.status_code == 201 and made.json()["batch"] == 1 and len(made.json()["codes"]) == 3
    assert api.post(f"/api/v1/projects/ratings/{survey.pk}/codes/", {"count": 501}, format="json").status_code == 400
    codes = api.get(f"/api/v1/projects/ratings/{survey.pk}/codes/?used=0&batch=1").json()
    assert codes["count"] == 3
    assert api.get("/api/v1/projects/ratings/?state=closed").json()["count"] == 0
    assert api.get("/api/v1/projects/ratings/?state=open").json()["count"] == 1
    assert api.get(f"/api/v1/projects/ratings/{survey.pk}/codes/?used=maybe").status_code == 400


# --- exact query counts --------------------------------------------------------------------------


def _surveys(tree_a, users):
    def make(n):
        for _i in range(n):
            contract = make_contract(tree_a)
            with tenant_context(tree_a["tenant"]):
                survey = services.survey_open(actor=users["street_a"], contract=contract)
                questions = selectors.survey_questions(survey)
                services.paper_response_enter(actor=users["street_a"], survey=survey,
                                              answers={q.pk: 4 for q in questions}, rated_on=contract.start_date)
    return make


def test_survey_list_query_count(tree_a, users, client_for, query_budget):
    street = client_for(users["street_a"])
    query_budget(_surveys(tree_a, users), lambda: street.get("/projects/ratings/"), expected=6,
                 rows=lambda r: r.content.decode().count("/projects/ratings/contract/"))


def test_survey_list_api_query_count(tree_a, users, api_for, query_budget):
    api = api_for(users["street_a"])
    query_budget(_surveys(tree_a, users), lambda: api.get("/api/v1/projects/ratings/"), expected=4,
                 rows=lambda r: len(r.json()["results"]))


def _codes(tree_a, users, survey):
    def make(n):
        with tenant_context(tree_a["tenant"]):
            services.codes_generate(actor=users["street_a"], survey=survey, count=n)
    return make


def test_code_list_query_count(tree_a, users, survey, client_for, query_budget):
    community = client_for(users["community_a"])
    query_budget(_codes(tree_a, users, survey), lambda: community.get(f"/projects/ratings/{survey.pk}/codes/"),
                 expected=8, rows=lambda r: r.content.decode().count('class="font-monospace"'))


def test_code_list_api_query_count(tree_a, users, survey, api_for, query_budget):
    api = api_for(users["community_a"])
    query_budget(_codes(tree_a, users, survey), lambda: api.get(f"/api/v1/projects/ratings/{survey.pk}/codes/"),
                 expected=5, rows=lambda r: len(r.json()["results"]))


def test_contract_page_links_to_its_satisfaction_page(users, contract, client_for):
    page = client_for(users["street_a"]).get(f"/projects/contracts/{contract.pk}/").content.decode()
    assert f'href="/projects/ratings/contract/{contract.pk}/"' in page and "居民满意度" in page
