"""Demo renewal reviews (``manage.py seed_demo``), after the reports and evaluations (``projects.demo_reports``).

The demo contracts of the latest finished term (the newest end date among signed or completed contracts that
nobody has renewed yet) get their final evaluations published by the street's clerk, as the office would
before deciding, and the renewal scan runs as of 30 days before that end date, as the daily task did then: one
review per contract with its recommendation. Then the clerk decides up to two of them, always leaving one pending (one renewed, which draws up
the next contract with its indicators and tranches; one not continued with a reason) and leaves the rest
pending, so the list, the 待办 and the contract pages show every state. Everything goes through the services
(audited, notified). Idempotent: a tenant that already has renewal reviews is left alone.
"""

from __future__ import annotations

import datetime

from governance.models import User
from projects.demo import each_demo_tenant
from projects.models import (
    Contract,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    RenewalReview,
    RenewalStatus,
)
from projects.services import evaluations as evaluation_services
from projects.services import renewals as services

NOT_CONTINUED_NOTE = "服务对象已纳入街道综合养老服务中心统一服务，本项目不再续约。"
SCAN_LEAD_DAYS = 30


def seed_tenant(*, tenant, prefix: str, seed: int = 2026) -> int:
    clerk = User.objects.filter(username=f"{prefix}_street").first()
    if clerk is None or RenewalReview.objects.exists():
        return 0
    ends = (Contract.objects.filter(status__in=services.SCANNED_STATUSES, renewals__isnull=True)
            .order_by("-end_date").values_list("end_date", flat=True)[:1])
    if not ends:
        return 0
    end = ends[0]
    finals = (Evaluation.objects.filter(contract__end_date=end, kind=EvaluationKind.FINAL,
                                        status=EvaluationStatus.COMPUTED)
              .select_related("contract").order_by("pk"))
    for evaluation in finals:
        evaluation_services.evaluation_publish(actor=clerk, evaluation=evaluation,
                                               note="结项评估经街道审定后公示")
    services.renewals_scan(tenant=tenant, today=end - datetime.timedelta(days=SCAN_LEAD_DAYS))
    pending = list(RenewalReview.objects.filter(status=RenewalStatus.PENDING)
                   .select_related("contract").order_by("contract__number"))
    # At least one review is left pending (the 待办); with three or more, one is also not continued.
    renew = next((r for r in pending if r.recommendation in ("renew", "renew_conditions")), None)
    if renew is not None and len(pending) >= 2:
        services.renewal_decide(actor=clerk, review=renew, decision=RenewalStatus.RENEWED,
                                note="结项评估良好，居民满意度高，续约一年")
    stop = next((r for r in pending if r is not renew), None)
    if stop is not None and len(pending) >= 3:
        services.renewal_decide(actor=clerk, review=stop, decision=RenewalStatus.NOT_CONTINUED,
                                note=NOT_CONTINUED_NOTE)
    return len(pending)


def seed_renewals(*, scale: int | None = None, stdout=None) -> None:
    each_demo_tenant(seed_tenant, stdout=stdout, what="renewal reviews")
