"""The demo ratings: every signed demo contract gets a survey with codes and ratings online and on paper,
dated inside the contract's term; a second run adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from governance.demo import seed_demo
from governance.models import Tenant
from governance.tenancy import tenant_context
from orgs.demo import seed_orgs_demo
from projects import selectors_ratings as selectors
from projects.demo import seed_for_demo
from projects.demo_ratings import seed_ratings
from projects.demo_tenders import seed_tenders
from projects.models import Contract, ContractStatus
from projects.models.ratings import RatingChannel, RatingResponse, RatingSurvey


@pytest.mark.django_db
def test_demo_ratings_once():
    seed_demo(communities_per_street=2, grids_per_community=1)
    seed_orgs_demo(counts={"hengyang": 30, "zhuzhou": 12})
    seed_for_demo()
    seed_tenders()
    seed_ratings()
    counts = {}
    for slug in ("hengyang", "zhuzhou"):
        with tenant_context(Tenant.objects.get(slug=slug)):
            signed = Contract.objects.filter(status__in=[ContractStatus.ACTIVE, ContractStatus.TERMINATED])
            assert signed.exists(), slug
            assert RatingSurvey.objects.count() == signed.count()
            channels = set(RatingResponse.objects.values_list("channel", flat=True))
            assert channels == {RatingChannel.CODE, RatingChannel.PAPER}, (slug, channels)
            for survey in RatingSurvey.objects.select_related("contract"):
                dates = list(survey.responses.values_list("rated_on", flat=True))
                assert dates and all(survey.contract.start_date <= d <= timezone.localdate() for d in dates)
            contract = signed.first()
            year = selectors.contract_satisfaction(contract, str(contract.start_date.year))
            assert year.responses > 0 and 1 <= year.mean <= 5
            counts[slug] = RatingResponse.objects.count()
    seed_ratings()
    for slug in ("hengyang", "zhuzhou"):
        with tenant_context(Tenant.objects.get(slug=slug)):
            assert RatingResponse.objects.count() == counts[slug]
