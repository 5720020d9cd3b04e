"""The inputs of evaluations, gathered set-based: a constant number of queries per chunk of contracts.

``snapshots_for(keys=, settings=, overhead_limit=)`` takes the evaluations to compute (contract, kind, period) and returns
each one's input snapshot (the shape is documented in ``evaluation_formula``): indicators and their approved
actuals, ratings up to the period, approved spending per budget line, report due and submission dates, and
expert scores — each read for the whole chunk in one query, never one per contract.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils import timezone

from projects.models import (
    BudgetCategory,
    BudgetLine,
    Contract,
    ContractIndicator,
    EvaluationSettings,
    ExpertScore,
    IndicatorActual,
    ProgressReport,
    RatingAnswer,
    ReportExpenditure,
    ReportStatus,
)


@dataclass(frozen=True)
class Key:
    """One evaluation to compute: its contract, kind (``midterm``/``final``) and last day covered."""

    contract: Contract
    kind: str
    period: datetime.date


CENT = Decimal("0.01")


def _money(value) -> str:
    # str() of a Decimal quantized to two places is its fixed-point form (never an exponent).
    return str(Decimal(value).quantize(CENT))


def settings_part(settings: EvaluationSettings) -> tuple[dict, dict]:
    weights = {"indicators": _money(settings.weight_indicators), "satisfaction": _money(settings.weight_satisfaction),
               "spending": _money(settings.weight_spending), "timeliness": _money(settings.weight_timeliness),
               "experts": _money(settings.weight_experts)}
    bands = {"excellent": _money(settings.band_excellent), "good": _money(settings.band_good),
             "pass": _money(settings.band_pass)}
    return weights, bands


def _ratings(contract_ids: list[int], kind: str) -> dict[int, dict]:
    """Answers up to the period of the contract's report of this kind (the report row joined once)."""
    rows = (RatingAnswer.objects
            .filter(response__survey__contract_id__in=contract_ids,
                    response__survey__contract__progress_reports__kind=kind,
                    response__rated_on__lte=F("response__survey__contract__progress_reports__period_end"))
            .values("response__survey__contract_id")
            .annotate(answers=Count("id"), stars=Sum("stars"), responses=Count("response_id", distinct=True))
            .order_by())
    return {row["response__survey__contract_id"]: {"responses": row["responses"], "answers": row["answers"],
                                                    "stars": int(row["stars"] or 0)} for row in rows}


class _Formats:
    """The snapshot's strings: dates (the quarters' repeat across a chunk) formatted once, amounts with two
    places."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.dates: dict = {}

    def day(self, value: datetime.date) -> str:
        text = self.dates.get(value)
        if text is None:
            text = self.dates[value] = value.isoformat()
        return text

    def local_day(self, value: datetime.datetime | None) -> str | None:
        # timezone.localtime(value).date(), the zone looked up once
        return self.day(value.astimezone(self.zone).date()) if value else None

    @staticmethod
    def money(value) -> str:
        return str(value.quantize(CENT)) if type(value) is Decimal else _money(value)


def snapshots_for(*, keys: list[Key], settings: EvaluationSettings, overhead_limit: Decimal) -> list[dict]:
    """The snapshot of every key, in the order given (a constant number of queries for the whole list)."""
    if not keys:
        return []
    contract_ids = sorted({key.contract.pk for key in keys})
    application_ids = sorted({key.contract.application_id for key in keys})
    weights, bands = settings_part(settings)
    overhead_limit = _money(overhead_limit)
    fmt = _Formats()
    day, money = fmt.day, fmt.money

    indicators = defaultdict(list)
    for row in (ContractIndicator.objects.filter(contract_id__in=contract_ids)
                .values("id", "contract_id", "name", "target", "weight", "direction", "aggregation")
                .order_by("contract_id", "position", "id")):
        indicators[row["contract_id"]].append(row)
    actuals = defaultdict(list)
    for row in (IndicatorActual.objects.filter(report__contract_id__in=contract_ids,
                                               report__status=ReportStatus.APPROVED, value__isnull=False)
                .values_list("indicator_id", "report__period_end", "value")
                .order_by("report__period_end", "indicator_id")):
        actuals[row[0]].append((row[1], row[2]))
    lines = defaultdict(list)
    for row in (BudgetLine.objects.filter(application_id__in=application_ids)
                .values("id", "application_id", "amount", "category").order_by("application_id", "id")):
        lines[row["application_id"]].append(row)
    spent = defaultdict(list)
    for row in (ReportExpenditure.objects.filter(report__contract_id__in=contract_ids,
                                                 report__status=ReportStatus.APPROVED)
                .values("report__contract_id", "report__period_end", "budget_line_id")
                .annotate(spent=Sum("amount")).order_by()):
        spent[row["report__contract_id"]].append(row)
    reports = defaultdict(list)
    for row in (ProgressReport.objects.filter(contract_id__in=contract_ids)
                .values_list("contract_id", "period_end", "due_date", "submitted_at")
                .order_by("contract_id", "sequence")):
        reports[row[0]].append(row[1:])
    experts = defaultdict(list)
    for row in (ExpertScore.objects.filter(contract_id__in=contract_ids)
                .values_list("contract_id", "kind", "score").order_by("contract_id", "kind", "score", "id")):
        experts[(row[0], row[1])].append(money(row[2]))
    ratings = {kind: _ratings(contract_ids, kind) for kind in sorted({key.kind for key in keys})}

    snapshots = []
    no_ratings = {"responses": 0, "answers": 0, "stars": 0}
    for key in keys:
        contract, period = key.contract, key.period
        line_spent = defaultdict(Decimal)
        for row in spent[contract.pk]:
            if row["report__period_end"] <= period:
                line_spent[row["budget_line_id"]] += row["spent"]
        snapshots.append({
            "contract": contract.pk, "kind": key.kind, "period": day(period),
            "term": [day(contract.start_date), day(contract.end_date)],
            "weights": weights, "bands": bands,
            "indicators": [{
                "id": row["id"], "name": row["name"], "target": money(row["target"]), "weight": money(row["weight"]),
                "direction": row["direction"], "aggregation": row["aggregation"],
                "actuals": [[day(end), money(value)] for end, value in actuals[row["id"]] if end <= period],
            } for row in indicators[contract.pk]],
            "satisfaction": ratings[key.kind].get(contract.pk) or dict(no_ratings),
            "spending": {"overhead_limit": overhead_limit, "lines": [{
                "id": line["id"], "amount": money(line["amount"]), "spent": money(line_spent.get(line["id"], 0)),
                "overhead": line["category"] == BudgetCategory.MANAGEMENT,
            } for line in lines[contract.application_id]]},
            "reports": [{"due": day(due), "submitted": fmt.local_day(submitted)}
                        for end, due, submitted in reports[contract.pk] if end <= period],
            "experts": experts[(contract.pk, key.kind)],
        })
    return snapshots
