"""Demo resident ratings (``manage.py seed_demo``), after the contracts of ``projects.demo_tenders``: every
signed demo contract gets a survey, a batch of one-time codes, and each month of its term so far a few
ratings, online with a code and on paper, through the services (audited). Online ratings take today's date
in the service; their date is moved into the month afterwards. Idempotent: a contract with a survey is
left alone.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from governance.models import User
from projects.demo import each_demo_tenant
from projects.models import Contract, ContractStatus
from projects.models.ratings import RatingResponse, RatingSurvey
from projects.services import ratings as services

MAX_CONTRACTS = 40
COMMENTS = ["", "", "", "社工很耐心，老人都很喜欢。", "希望活动次数再多一些。", "上门服务准时，态度好。",
            "场地有点小，建议换个地方。", "谢谢你们！"]


def _months(start: datetime.date, end: datetime.date):
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _stars(rng: random.Random, base: int) -> int:
    return max(1, min(5, base + rng.choice((-2, -1, 0, 0, 0, 1))))


def seed_tenant(*, tenant, prefix: str, seed: int = 2026) -> int:
    rng = random.Random(seed)
    street_user = User.objects.filter(username=f"{prefix}_street").first()
    clerk = User.objects.filter(username=f"{prefix}_community").first() or street_user
    if street_user is None:
        return 0
    contracts = list(Contract.objects.filter(status__in=[ContractStatus.ACTIVE, ContractStatus.TERMINATED])
                     .exclude(pk__in=RatingSurvey.objects.values("contract_id")).order_by("start_date", "pk")
                     [:MAX_CONTRACTS])
    today = timezone.localdate()
    created = 0
    for contract in contracts:
        survey = services.survey_open(actor=street_user, contract=contract)
        questions = list(survey.questions.order_by("position"))
        codes = services.codes_generate(actor=clerk, survey=survey, count=30, label="入户评价")
        base = rng.choice((4, 4, 5, 3))
        online = []
        for month in _months(contract.start_date, min(contract.end_date, today)):
            for _i in range(rng.randint(2, 6)):
                answers = {q.pk: _stars(rng, base) for q in questions}
                day = min(month + datetime.timedelta(days=rng.randint(0, 27)), today)
                day = max(day, contract.start_date)
                if codes and rng.random() < 0.5:
                    response = services.response_submit(survey=survey, answers=answers, code=codes.pop().code,
                                                        comment=rng.choice(COMMENTS))
                    online.append((response.pk, day))
                else:
                    services.paper_response_enter(actor=clerk, survey=survey, answers=answers, rated_on=day,
                                                  comment=rng.choice(COMMENTS))
        for pk, day in online:
            RatingResponse.objects.filter(pk=pk).update(rated_on=day)
        created += 1
    return created


def seed_ratings(*, scale: int | None = None, stdout=None) -> None:
    each_demo_tenant(seed_tenant, stdout=stdout, what="rating surveys")
