"""Resident satisfaction: services (surveys, questions, one-time codes, online and paper responses, limits)
and the results per period, with figures computed by hand in the tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from governance.exceptions import ApplicationError
from governance.models import AuditEvent
from governance.tenancy import tenant_context
from orgs.tests.factories import OrganizationFactory
from projects import selectors_ratings as selectors
from projects.models import ContractStatus
from projects.models.ratings import RatingAnswer, RatingChannel, RatingCode, RatingLink, RatingResponse
from projects.services import ratings as services
from projects.tests.factories import ApplicationFactory, ContractFactory, ProgramFactory


def make_contract(tree, *, region_key="community", start=datetime.date(2026, 1, 1)):
    with tenant_context(tree["tenant"]):
        program = ProgramFactory(region=tree["street"])
        application = ApplicationFactory(program=program, region=tree[region_key])
        organization = OrganizationFactory(region=tree[region_key])
        return ContractFactory(application=application, organization=organization, status=ContractStatus.ACTIVE,
                               signed_on=start, start_date=start, end_date=start + datetime.timedelta(days=364))


@pytest.fixture
def contract(tree_a):
    return make_contract(tree_a)


@pytest.fixture
def survey(tree_a, users, contract):
    with tenant_context(tree_a["tenant"]):
        return services.survey_open(actor=users["street_a"], contract=contract)


def answers_for(survey, *stars):
    questions = selectors.survey_questions(survey)
    return {q.pk: s for q, s in zip(questions, stars, strict=False)}


def test_survey_open_copies_default_questions_and_links_its_short_code(tree_a, users, contract):
    with tenant_context(tree_a["tenant"]):
        services.default_questions_set(actor=users["admin_a"], texts=["服务态度", "  服务   效果 ", ""])
        survey = services.survey_open(actor=users["street_a"], contract=contract)
        assert [q.text for q in selectors.survey_questions(survey)] == ["服务态度", "服务 效果"]
        assert len(survey.code) == 8 and set(survey.code) <= set(services.SHORT_ALPHABET)
        assert AuditEvent.objects.filter(action="rating.survey_open", object_id=str(survey.pk)).count() == 1
        assert AuditEvent.objects.filter(action="rating.questions").count() == 1
        with pytest.raises(ApplicationError, match="已有满意度评价"):
            services.survey_open(actor=users["street_a"], contract=contract)
    assert RatingLink.objects.get(code=survey.code).tenant_id == tree_a["tenant"].pk


def test_builtin_questions_when_the_tenant_has_none(tree_a, survey):
    with tenant_context(tree_a["tenant"]):
        assert [q.text for q in selectors.survey_questions(survey)] == list(services.BUILTIN_QUESTIONS)


@pytest.mark.parametrize("texts, message", [([], "至少"), (["同一个", "同一个"], "只能出现一次"),
                                            (["问"] * 11, "最多"), (["长" * 201], "最多")])
def test_default_questions_are_validated(tree_a, users, texts, message):
    with tenant_context(tree_a["tenant"]), pytest.raises(ApplicationError, match=message):
        services.default_questions_set(actor=users["admin_a"], texts=texts)


def test_one_time_code_counts_once_and_reuse_is_refused(tree_a, users, survey):
    with tenant_context(tree_a["tenant"]):
        code = services.codes_generate(actor=users["community_a"], survey=survey, count=3, label="3号楼")[0]
        response = services.response_submit(survey=survey, answers=answers_for(survey, 5, 4, 4, 5),
                                            code=code.code.lower(), ip="10.0.0.1")
        assert response.channel == RatingChannel.CODE and response.one_time_code_id == code.pk
        with pytest.raises(ApplicationError, match="已经使用"):
            services.response_submit(survey=survey, answers=answers_for(survey, 1, 1, 1, 1), code=code.code)
        with pytest.raises(ApplicationError, match="已经使用"):
            services.paper_response_enter(actor=users["community_a"], survey=survey, code=code.code,
                                          answers=answers_for(survey, 1, 1, 1, 1), rated_on=timezone.localdate())
        assert RatingResponse.objects.filter(survey=survey).count() == 1
        assert RatingCode.objects.get(pk=code.pk).used_at is not None


def test_code_of_another_survey_is_not_valid(tree_a, users, survey):
    other = make_contract(tree_a)
    with tenant_context(tree_a["tenant"]):
        other_survey = services.survey_open(actor=users["street_a"], contract=other)
        code = services.codes_generate(actor=users["street_a"], survey=other_survey, count=1)[0]
        with pytest.raises(ApplicationError, match="无效"):
            services.response_submit(survey=survey, answers=answers_for(survey, 5, 5, 5, 5), code=code.code)
        assert not RatingResponse.objects.exists()


def test_closed_survey_and_code_only_survey_refuse(tree_a, users, survey):
    with tenant_context(tree_a["tenant"]):
        services.survey_update(actor=users["street_a"], survey=survey, is_open=True, allow_open_answers=False)
        with pytest.raises(ApplicationError, match="一次性评价码"):
            services.response_submit(survey=survey, answers=answers_for(survey, 5, 5, 5, 5), ip="10.0.0.1",
                                     device="d1")
        services.survey_update(actor=users["street_a"], survey=survey, is_open=False, allow_open_answers=True)
        with pytest.raises(ApplicationError, match="已关闭"):
            services.response_submit(survey=survey, answers=answers_for(survey, 5, 5, 5, 5), ip="10.0.0.1",
                                     device="d1")
        assert not RatingResponse.objects.exists()
        assert AuditEvent.objects.filter(action="rating.survey_update").count() == 2


@pytest.mark.parametrize("stars, comment, message", [
    ((5, 4, 3), "", "1 到 5 星"), ((5, 4, 3, 6), "", "1 到 5 星"), ((5, 4, 3, "x"), "", "1 到 5 星"),
    ((5, 4, 3, 2), "长" * 501, "最多 500"),
])
def test_bad_answers_are_refused_and_nothing_is_saved(tree_a, survey, stars, comment, message):
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError, match=message):
            services.response_submit(survey=survey, answers=answers_for(survey, *stars), comment=comment,
                                     ip="10.0.0.1", device="d1")
        assert not RatingResponse.objects.exists() and not RatingAnswer.objects.exists()


def test_open_answers_need_a_device_and_are_limited_per_device_and_duplicate(tree_a, survey, settings):
    settings.RATING_LIMITS = {"device_per_day": 2}
    with tenant_context(tree_a["tenant"]):
        with pytest.raises(ApplicationError, match="Cookie"):
            services.response_submit(survey=survey, answers=answers_for(survey, 5, 5, 5, 5), ip="10.0.0.1")
        services.response_submit(survey=survey, answers=answers_for(survey, 5, 5, 5, 5), ip="10.0.0.1", device="d1")
        with pytest.raises(ApplicationError, match="已收到"):  # the same answers again, even from another device
            services.response_submit(survey=survey, answers=answers_for(survey, 5, 5, 5, 5), ip="10.0.0.1",
                                     device="d2")
        services.response_submit(survey=survey, answers=answers_for(survey, 4, 5, 5, 5), ip="10.0.0.2", device="d1")
        with pytest.raises(ApplicationError, match="今天已经评价"):
            services.response_submit(survey=survey, answers=answers_for(survey, 3, 5, 5, 5), ip="10.0.0.3",
                                     device="d1")
        assert RatingResponse.objects.filter(channel=RatingChannel.ONLINE).count() == 2


def test_paper_survey_is_marked_entered_by_and_audited(tree_a, users, survey):
    with tenant_context(tree_a["tenant"]):
        response = services.paper_response_enter(actor=users["community_a"], survey=survey, comment="很好",
                                                 answers=answers_for(survey, 5, 4, 5, 4),
                                                 rated_on=datetime.date(2026, 2, 3))
        assert (response.channel, response.entered_by, response.rated_on) == (
            RatingChannel.PAPER, users["community_a"], datetime.date(2026, 2, 3))
        event = AuditEvent.objects.get(action="rating.paper_entry")
        assert event.actor_id == users["community_a"].pk and event.object_id == str(response.pk)
        for day, message in ((timezone.localdate() + datetime.timedelta(days=1), "未来"),
                             (datetime.date(2025, 12, 31), "合同开始之前")):
            with pytest.raises(ApplicationError, match=message):
                services.paper_response_enter(actor=users["community_a"], survey=survey, rated_on=day,
                                              answers=answers_for(survey, 5, 4, 5, 4))
        assert RatingResponse.objects.count() == 1


def test_questions_change_only_until_the_first_answer(tree_a, users, survey):
    with tenant_context(tree_a["tenant"]):
        services.survey_update(actor=users["street_a"], survey=survey, is_open=True, allow_open_answers=True,
                               questions=["服务态度", "服务效果"])
        assert [q.text for q in selectors.survey_questions(survey)] == ["服务态度", "服务效果"]
        services.paper_response_enter(actor=users["street_a"], survey=survey, answers=answers_for(survey, 5, 4),
                                      rated_on=datetime.date(2026, 2, 3))
        with pytest.raises(ApplicationError, match="不能再修改"):
            services.survey_update(actor=users["street_a"], survey=survey, is_open=True, allow_open_answers=True,
                                   questions=["别的问题"])
        assert [q.text for q in selectors.survey_questions(survey)] == ["服务态度", "服务效果"]


def test_code_batches_are_bounded_and_numbered(tree_a, users, survey):
    with tenant_context(tree_a["tenant"]):
        for count in (0, services.MAX_CODES_PER_BATCH + 1):
            with pytest.raises(ApplicationError, match="500"):
                services.codes_generate(actor=users["street_a"], survey=survey, count=count)
        first = services.codes_generate(actor=users["street_a"], survey=survey, count=5, label="重阳节活动")
        second = services.codes_generate(actor=users["street_a"], survey=survey, count=2)
        assert {c.batch for c in first} == {1} and {c.batch for c in second} == {2}
        assert len({c.code for c in first + second}) == 7
        assert all(len(c.code) == 10 and set(c.code) <= set(services.CODE_ALPHABET) for c in first)
        assert [b["count"] for b in selectors.code_batches(survey)] == [2, 5]
        assert AuditEvent.objects.filter(action="rating.codes_generate").count() == 2


def _hand_example(tree_a, users, survey):
    """Two questions. March: (5, 4) online with a code, (3, 5) on paper. April: (1, 2) on paper."""
    with tenant_context(tree_a["tenant"]):
        services.survey_update(actor=users["street_a"], survey=survey, is_open=True, allow_open_answers=True,
                               questions=["服务态度", "服务效果"])
        code = services.codes_generate(actor=users["street_a"], survey=survey, count=1)[0]
        online = services.response_submit(survey=survey, answers=answers_for(survey, 5, 4), code=code.code)
        RatingResponse.objects.filter(pk=online.pk).update(rated_on=datetime.date(2026, 3, 10))
        services.paper_response_enter(actor=users["community_a"], survey=survey, answers=answers_for(survey, 3, 5),
                                      rated_on=datetime.date(2026, 3, 31))
        services.paper_response_enter(actor=users["community_a"], survey=survey, answers=answers_for(survey, 1, 2),
                                      rated_on=datetime.date(2026, 4, 1))
        return selectors.survey_questions(survey)


def test_contract_satisfaction_per_month_quarter_and_year(tree_a, users, survey, contract,
                                                         django_assert_num_queries):
    q1, q2 = _hand_example(tree_a, users, survey)
    with tenant_context(tree_a["tenant"]):
        with django_assert_num_queries(5):
            march = selectors.contract_satisfaction(contract, "2026-03")
        assert (march.responses, march.paper, march.answers) == (2, 1, 4)
        assert march.mean == Decimal("4.25")  # (5 + 4 + 3 + 5) / 4
        assert march.satisfied_share == Decimal("75.00")  # 3 of 4 answers have 4 or 5 stars
        assert [(r.question_id, r.count, r.mean) for r in march.questions] == [
            (q1.pk, 2, Decimal("4.00")), (q2.pk, 2, Decimal("4.50"))]
        assert march.distribution == {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
        first_quarter = selectors.contract_satisfaction(contract, "2026-q1")
        assert (first_quarter.label, first_quarter.responses, first_quarter.mean) == ("2026-Q1", 2, Decimal("4.25"))
        second_quarter = selectors.contract_satisfaction(contract, "2026-Q2")
        assert (second_quarter.responses, second_quarter.mean, second_quarter.satisfied_share) == (
            1, Decimal("1.50"), Decimal("0.00"))
        year = selectors.contract_satisfaction(contract, "2026")
        assert (year.responses, year.answers, year.mean, year.satisfied_share) == (
            3, 6, Decimal("3.33"), Decimal("50.00"))  # 20 / 6 stars; 3 of 6 answers
        empty = selectors.contract_satisfaction(contract, "2026-05")
        assert (empty.responses, empty.mean, empty.satisfied_share) == (0, None, None)
        months = selectors.satisfaction_by_period(survey, "month")
        assert [(p.label, p.responses, p.mean) for p in months] == [
            ("2026-04", 1, Decimal("1.50")), ("2026-03", 2, Decimal("4.25"))]
        quarters = selectors.satisfaction_by_period(survey, "quarter")
        assert [(p.label, p.responses, p.paper, p.mean) for p in quarters] == [
            ("2026-Q2", 1, 1, Decimal("1.50")), ("2026-Q1", 2, 1, Decimal("4.25"))]
        assert [q.mean for q in quarters[1].questions] == [Decimal("4.00"), Decimal("4.50")]


def test_contract_without_survey_has_no_satisfaction(tree_a, contract):
    with tenant_context(tree_a["tenant"]):
        result = selectors.contract_satisfaction(contract, "2026-03")
    assert (result.responses, result.answers, result.mean) == (0, 0, None)


@pytest.mark.parametrize("value", ["", "2026-13", "1999-01", "2026-Q5", "March", "2026-03-01"])
def test_bad_periods_are_refused(value):
    with pytest.raises(ApplicationError, match="2026-Q1"):
        selectors.parse_period(value)
