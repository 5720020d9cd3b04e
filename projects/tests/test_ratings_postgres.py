"""Parallel use of one one-time code on PostgreSQL: six phones submit the same code at once, exactly one
response counts, the others get the translated refusal (never a 500). The unique ``one_time_code`` column
holds on every backend."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from governance.tenancy import tenant_context
from orgs.tests.test_concurrency import _in_parallel
from projects import selectors_ratings as selectors
from projects.models.ratings import RatingAnswer, RatingChannel, RatingCode, RatingResponse
from projects.services import ratings as services
from projects.tests.test_ratings import make_contract


@pytest.mark.django_db
def test_database_counts_a_code_once(tree_a, users):
    contract = make_contract(tree_a)
    with tenant_context(tree_a["tenant"]):
        survey = services.survey_open(actor=users["street_a"], contract=contract)
        code = services.codes_generate(actor=users["street_a"], survey=survey, count=1)[0]
        RatingResponse.objects.create(survey=survey, channel=RatingChannel.CODE, one_time_code=code,
                                      rated_on=contract.start_date)
        with pytest.raises(IntegrityError), transaction.atomic():
            RatingResponse.objects.create(survey=survey, channel=RatingChannel.CODE, one_time_code=code,
                                          rated_on=contract.start_date)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_six_parallel_uses_of_one_code_count_once(tree_a, users):
    assert connection.vendor == "postgresql"
    contract = make_contract(tree_a)
    with tenant_context(tree_a["tenant"]):
        survey = services.survey_open(actor=users["street_a"], contract=contract)
        code = services.codes_generate(actor=users["street_a"], survey=survey, count=1)[0].code
        data = {f"q{q.pk}": "5" for q in selectors.survey_questions(survey)}
    data["code"] = code
    results = _in_parallel(6, lambda: Client(REMOTE_ADDR="192.0.2.80").post(f"/r/{survey.code}/", data))
    statuses = sorted(r.status_code if hasattr(r, "status_code") else repr(r) for r in results)
    assert statuses == [302, 400, 400, 400, 400, 400], statuses
    assert all("已经使用" in r.content.decode() for r in results if r.status_code == 400)
    with tenant_context(tree_a["tenant"]):
        assert RatingResponse.objects.filter(survey=survey).count() == 1
        assert RatingAnswer.objects.filter(response__survey=survey).count() == 4
        assert RatingCode.objects.get(survey=survey, code=code).used_at is not None
