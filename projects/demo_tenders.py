"""Demo tenders, bids, awards and contracts (``manage.py seed_demo``), after the programs and reviews of
``projects.demo``: every approved project of the demo tenants gets a tender. Past years' tenders are
bid, checked, evaluated, awarded, contracted (with tranches), signed and paid; this year's stay in every
state (open for bids, awaiting the award, in the standstill period, contracted). Bids come from
eligible organizations through a demo bidder account (``<prefix>_bidder``) that acts for them.

The steps go through the services (audited); only the dates are moved into the past afterwards, since
a service takes "now" for a bid window, an award and a standstill period. Idempotent: a tenant that
already has tenders is left alone.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from governance import services as core
from governance.audit import audit_record
from governance.models import User
from governance.models.accounts import Role
from orgs.models import Organization
from orgs.services import membership_add
from projects.demo import each_demo_tenant
from projects.models import (
    Application,
    ApplicationStatus,
    Award,
    Bid,
    ProgramKind,
    Tender,
)
from projects.services import contracts as contract_services
from projects.services import eligibility_many
from projects.services import tenders as services


def _bidder(*, tenant, prefix: str, organizations, admin) -> User:
    user = User.objects.filter(username=f"{prefix}_bidder").first()
    if user is None:
        user = core.user_create(actor=None, tenant=tenant, username=f"{prefix}_bidder",
                                password=settings.DEMO_PASSWORD, display_name="投标机构联络人")
        core.role_assign(actor=None, user=user, region=core.tenant_root(tenant), role=Role.ORG_USER)
    for organization in organizations:
        if not organization.memberships.filter(user=user).exists():
            membership_add(actor=admin, user=user, organization=organization)
    from orgs.permissions import forget_memberships

    forget_memberships(user)
    return user


def _breakdown(price: Decimal) -> list[dict]:
    personnel = (price * Decimal("0.5")).quantize(Decimal("1"))
    activities = (price * Decimal("0.35")).quantize(Decimal("1"))
    return [{"category": "personnel", "amount": str(personnel), "description": "社工及督导"},
            {"category": "activities", "amount": str(activities), "description": "活动物资"},
            {"category": "management", "amount": str(price - personnel - activities), "description": "管理费"}]


def _backdate(tender: Tender, *, opens: datetime.datetime, closes: datetime.datetime) -> None:
    Tender.objects.filter(pk=tender.pk).update(bid_opens=opens, bid_closes=closes)
    tender.bid_opens, tender.bid_closes = opens, closes


def _tender_with_bids(*, application, street_user, bidder, bidders, rng, opens, closes):
    tender = services.tender_open(actor=street_user, application=application,
                                  bid_opens=timezone.now() - datetime.timedelta(hours=1),
                                  bid_closes=timezone.now() + datetime.timedelta(days=14),
                                  price_weight=Decimal("30"), quality_weight=Decimal("70"), standstill_days=7,
                                  description=f"{application.title}，面向辖区社会组织公开征集服务方。")
    bids = []
    for organization in bidders:
        ratio = Decimal(rng.choice(["0.86", "0.9", "0.93", "0.96", "1"]))
        price = (tender.budget_amount * ratio).quantize(Decimal("1"))
        team = rng.randint(3, 8)
        bids.append(services.bid_submit(
            actor=bidder, tender=tender, organization=organization, price=price,
            proposal=f"{organization.name}承接方案：需求评估、分层服务、志愿者培育与成效评估。", team_size=team,
            team_social_workers=rng.randint(1, team), team_description="项目主管1名（中级社工师），一线社工若干。",
            budget_breakdown=_breakdown(price)))
    _backdate(tender, opens=opens, closes=closes)
    return tender, bids


def _award(*, tender, bids, street_user, rng, decided: datetime.date):
    for bid in bids:
        services.bid_qualify(actor=street_user, bid=bid, valid=True, note="资格审查通过")
    for bid in bids:
        services.bid_evaluate(actor=street_user, bid=bid, quality_score=Decimal(rng.randint(65, 95)))
    best = max(bids, key=lambda b: b.evaluations.get().total_score)
    award = services.tender_award(actor=street_user, tender=tender, bid=best, reason="综合评分最高")
    ends = decided + datetime.timedelta(days=tender.standstill_days)
    Award.objects.filter(pk=award.pk).update(standstill_ends=ends, decided_at=datetime.datetime.combine(
        decided, datetime.time(10), tzinfo=timezone.get_current_timezone()))
    award.standstill_ends = ends
    return award


def _contract(*, award, street_user, start: datetime.date, sign: bool, prior=None):
    contract = contract_services.contract_create(
        actor=street_user, award=award, start_date=start,
        end_date=start + datetime.timedelta(days=364), continuous_service=prior is not None, prior_contract=prior,
        tranches=[{"percentage": Decimal("30"), "trigger": "signing", "description": "签约后预付"},
                  {"percentage": Decimal("40"), "trigger": "midterm_acceptance", "depends_on": 1,
                   "description": "中期评估验收后"},
                  {"percentage": Decimal("30"), "trigger": "final_acceptance", "depends_on": 2,
                   "description": "结项验收后"}])
    if sign:
        contract_services.contract_sign(actor=street_user, contract=contract, signed_on=min(start, timezone.localdate()))
    return contract


def seed_tenant(*, tenant, prefix: str, seed: int = 2026) -> int:
    rng = random.Random(seed)
    street_user = User.objects.filter(username=f"{prefix}_street").first()
    if street_user is None or Tender.objects.exists():
        return 0
    approved = list(Application.objects.filter(status=ApplicationStatus.APPROVED).exclude(
        program__kind=ProgramKind.SELF_GOVERNANCE_FUND).select_related("program", "region")
        .order_by("program__year", "number"))
    if not approved:
        return 0
    today = timezone.localdate()
    candidates = list(Organization.objects.filter(status="active").order_by("pk")[:60])
    created = 0
    chosen_by_program = {}
    for application in approved:
        program = application.program
        if program.pk not in chosen_by_program:
            failures = eligibility_many(program=program, organization_ids=[o.pk for o in candidates], on_date=today)
            chosen_by_program[program.pk] = [o for o in candidates if not failures.get(o.pk)][:6]
    eligible = sorted({o for orgs in chosen_by_program.values() for o in orgs}, key=lambda o: o.pk)
    if not eligible:
        return 0
    admin = User.objects.filter(username=f"{prefix}_admin").first() or street_user
    bidder = _bidder(tenant=tenant, prefix=prefix, organizations=eligible, admin=admin)
    previous_contract = {}
    for index, application in enumerate(approved):
        program = application.program
        pool = chosen_by_program[program.pk]
        if not pool:
            continue
        # One in five tenders draws a single bidder: the risk list shows them.
        count = 1 if index % 5 == 4 else min(len(pool), rng.randint(2, 4))
        bidders = rng.sample(pool, count)
        year = program.year
        if year < today.year:
            opens = datetime.datetime(year, 5, 6, 9, tzinfo=timezone.get_current_timezone())
            closes = opens + datetime.timedelta(days=14)
            tender, bids = _tender_with_bids(application=application, street_user=street_user, bidder=bidder,
                                             bidders=bidders, rng=rng, opens=opens, closes=closes)
            award = _award(tender=tender, bids=bids, street_user=street_user, rng=rng, decided=closes.date())
            start = datetime.date(year, 6, 1)
            prior = previous_contract.get((application.region_id, award.organization_id))
            contract = _contract(award=award, street_user=street_user, start=start, sign=True, prior=prior)
            tranches = list(contract.tranches.order_by("sequence"))
            contract_services.tranche_pay(actor=street_user, tranche=tranches[0], paid_on=start)
            if year < today.year - 1 or today.month > 6:
                contract_services.tranche_pay(actor=street_user, tranche=tranches[1],
                                              paid_on=min(datetime.date(year, 12, 10), today))
            if start + datetime.timedelta(days=380) < today:
                contract_services.tranche_pay(actor=street_user, tranche=tranches[2],
                                              paid_on=start + datetime.timedelta(days=370))
                contract_services.contract_close(actor=street_user, contract=contract, to="terminated")
            previous_contract[(application.region_id, award.organization_id)] = contract
        else:
            state = index % 4
            if state == 0:  # still open for bids
                services_window = (timezone.now() - datetime.timedelta(days=2), timezone.now() + datetime.timedelta(days=10))
                tender, bids = _tender_with_bids(application=application, street_user=street_user, bidder=bidder,
                                                 bidders=bidders, rng=rng, opens=services_window[0],
                                                 closes=services_window[1])
            else:
                closes = timezone.now() - datetime.timedelta(days=3 if state == 1 else 20)
                tender, bids = _tender_with_bids(application=application, street_user=street_user, bidder=bidder,
                                                 bidders=bidders, rng=rng, opens=closes - datetime.timedelta(days=14),
                                                 closes=closes)
                if state >= 2:
                    decided = today - datetime.timedelta(days=3 if state == 2 else 15)
                    award = _award(tender=tender, bids=bids, street_user=street_user, rng=rng, decided=decided)
                    if state == 3:
                        _contract(award=award, street_user=street_user, start=today, sign=False)
        created += 1
    audit_record(actor=None, action="tenders.seed_demo", obj=None, tenant=tenant,
                 changes={"tenders": created, "bids": Bid.objects.count()})
    return created


def seed_tenders(*, scale: int | None = None, stdout=None) -> None:
    each_demo_tenant(seed_tenant, stdout=stdout, what="tenders")
