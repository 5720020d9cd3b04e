"""Reads of resident satisfaction: surveys and codes scoped like their contract (404 otherwise), and the
results per period (month or quarter): count, mean per question, overall mean and the star distribution.

``contract_satisfaction(contract, period)`` is what the evaluation calls: a constant number of queries.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter
from django.http import Http404
from django.utils.translation import gettext as _

from governance.exceptions import ApplicationError
from governance.selectors import get_object_for_user_or_404
from projects.models import Contract
from projects.models.ratings import (
    RatingAnswer,
    RatingCode,
    RatingLink,
    RatingQuestion,
    RatingResponse,
    RatingSurvey,
)
from projects.selectors_tenders import _staff_scope

GRANULARITIES = ("month", "quarter")
TWO = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # exclusive
    label: str


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_of(granularity: str, day: datetime.date) -> Period:
    if granularity == "quarter":
        start = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        return Period(start, _add_months(start, 3), f"{start.year}-Q{(start.month - 1) // 3 + 1}")
    start = day.replace(day=1)
    return Period(start, _add_months(start, 1), f"{start.year}-{start.month:02d}")


def parse_period(value) -> Period:
    """``2026-03`` (a month), ``2026-Q1`` (a quarter), ``2026`` (a year) or a Period."""
    if isinstance(value, Period):
        return value
    text = str(value or "").strip().upper()
    if match := re.fullmatch(r"(\d{4})-(\d{2})", text):
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return period_of("month", datetime.date(year, month, 1))
    elif match := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year = int(match[1])
        if 2000 <= year <= 2100:
            return period_of("quarter", datetime.date(year, (int(match[2]) - 1) * 3 + 1, 1))
    elif re.fullmatch(r"\d{4}", text) and 2000 <= int(text) <= 2100:
        return Period(datetime.date(int(text), 1, 1), datetime.date(int(text) + 1, 1, 1), text)
    raise ApplicationError(_("Give the period as 2026-03 (month), 2026-Q1 (quarter) or 2026 (year)."))


@dataclass
class QuestionResult:
    question_id: int
    text: str
    count: int = 0
    mean: Decimal | None = None


@dataclass
class Satisfaction:
    """Results of one period. ``mean`` is over all answers (1-5); ``satisfied_share`` is the share of
    answers with 4 or 5 stars in percent (满意率)."""

    label: str
    start: datetime.date | None = None
    end: datetime.date | None = None
    responses: int = 0
    paper: int = 0
    answers: int = 0
    mean: Decimal | None = None
    satisfied_share: Decimal | None = None
    questions: list[QuestionResult] = field(default_factory=list)
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    def as_dict(self) -> dict:
        return {"period": self.label, "start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "responses": self.responses,
                "paper": self.paper, "answers": self.answers, "mean": self.mean,
                "satisfied_share": self.satisfied_share,
                "questions": [{"id": q.question_id, "text": q.text, "count": q.count, "mean": q.mean}
                              for q in self.questions],
                "distribution": {str(stars): n for stars, n in self.distribution.items()}}


def _round(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def _finish(result: Satisfaction) -> Satisfaction:
    result.answers = sum(result.distribution.values())
    if result.answers:
        total = sum(stars * n for stars, n in result.distribution.items())
        result.mean = _round(Decimal(total) / result.answers)
        happy = result.distribution[4] + result.distribution[5]
        result.satisfied_share = _round(Decimal(100 * happy) / result.answers)
    return result


# --- staff lists and look-ups ------------------------------------------------------------------


def survey_list(*, user, filters: dict | None = None) -> QuerySet[RatingSurvey]:
    filters = filters or {}
    queryset = _staff_scope(RatingSurvey.objects.all(), user, buyer="contract__region",
                            unit="contract__application__region")
    queryset = queryset.select_related("contract__organization", "contract__region").annotate(
        response_count=Count("responses", distinct=True), last_rated=Max("responses__rated_on"),
        mean_stars=Avg("responses__answers__stars"))
    if q := (filters.get("q") or "").strip():
        queryset = queryset.filter(Q(contract__number__icontains=q) | Q(contract__title__icontains=q)
                                   | Q(contract__organization__name__icontains=q))
    if filters.get("is_open") in ("1", "0"):
        queryset = queryset.filter(is_open=filters["is_open"] == "1")
    return queryset.order_by("-created_at", "-id")


def survey_get_for_user(*, user, pk) -> RatingSurvey:
    return get_object_for_user_or_404(
        _staff_scope(RatingSurvey.objects.select_related("contract__region", "contract__organization",
                                                       "contract__application__region"), user,
                     buyer="contract__region", unit="contract__application__region"), pk=pk)


def survey_of_contract(contract: Contract) -> RatingSurvey | None:
    return RatingSurvey.objects.filter(contract=contract).first()


def survey_questions(survey: RatingSurvey) -> list[RatingQuestion]:
    return list(survey.questions.order_by("position", "id"))


def code_list(*, survey: RatingSurvey, filters: dict | None = None) -> QuerySet[RatingCode]:
    filters = filters or {}
    queryset = RatingCode.objects.filter(survey=survey)
    if filters.get("used") in ("1", "0"):
        queryset = queryset.filter(used_at__isnull=filters["used"] == "0")
    if str(filters.get("batch") or "").isdigit():
        queryset = queryset.filter(batch=int(filters["batch"]))
    return queryset.order_by("batch", "id")


def code_batches(survey: RatingSurvey) -> list[dict]:
    return list(RatingCode.objects.filter(survey=survey).values("batch").annotate(
        count=Count("id"), used=Count("id", filter=Q(used_at__isnull=False)), label=Max("label"),
        created=Max("created_at")).order_by("-batch"))


def recent_paper_entries(survey: RatingSurvey, limit: int = 10) -> list[RatingResponse]:
    return list(RatingResponse.objects.filter(survey=survey, channel="paper").select_related("entered_by")
                .order_by("-created_at", "-id")[:limit])


# --- the public page ---------------------------------------------------------------------------


def link_tenant(code: str):
    """The (active) tenant of a public short code, or 404 (read before any tenant is active)."""
    code = str(code or "").strip().lower()
    link = (RatingLink.objects.select_related("tenant").filter(code=code, tenant__is_active=True).first()
            if code else None)
    if link is None:
        raise Http404(_("Not found."))
    return link.tenant


def public_survey(code: str) -> RatingSurvey:
    survey = (RatingSurvey.objects.select_related("contract__organization", "contract__region")
              .filter(code=str(code).strip().lower()).first())
    if survey is None:
        raise Http404(_("Not found."))
    return survey


# --- results -------------------------------------------------------------------------------------


def contract_satisfaction(contract: Contract, period) -> Satisfaction:
    """The satisfaction of ``contract`` in ``period`` (a Period, ``2026-03``, ``2026-Q1`` or ``2026``):
    responses (of which on paper), answers, overall mean, 满意率, mean per question and the distribution.
    A contract without a survey or responses gives zero counts and ``None`` means. Five queries."""
    period = parse_period(period)
    result = Satisfaction(label=period.label, start=period.start, end=period.end)
    survey = RatingSurvey.objects.filter(contract=contract).values_list("pk", flat=True).first()
    if survey is None:
        return result
    responses = RatingResponse.objects.filter(survey_id=survey, rated_on__gte=period.start, rated_on__lt=period.end)
    counts = responses.aggregate(n=Count("id"), paper=Count("id", filter=Q(channel="paper")))
    result.responses, result.paper = counts["n"], counts["paper"]
    answers = RatingAnswer.objects.filter(response__in=responses)
    per_question = {row["question_id"]: row for row in
                    answers.values("question_id").annotate(n=Count("id"), mean=Avg("stars")).order_by()}
    for question in RatingQuestion.objects.filter(survey_id=survey).order_by("position", "id"):
        row = per_question.get(question.pk, {})
        result.questions.append(QuestionResult(question.pk, question.text, row.get("n", 0), _round(row.get("mean"))))
    for row in answers.values("stars").annotate(n=Count("id")).order_by():
        result.distribution[row["stars"]] = row["n"]
    return _finish(result)


def satisfaction_by_period(survey: RatingSurvey, granularity: str = "month") -> list[Satisfaction]:
    """Every period with responses, newest first (three queries, whatever the number of periods)."""
    if granularity not in GRANULARITIES:
        granularity = "month"
    trunc = TruncQuarter if granularity == "quarter" else TruncMonth
    questions = survey_questions(survey)
    periods: dict[datetime.date, Satisfaction] = {}

    def slot(day) -> Satisfaction:
        day = day.date() if isinstance(day, datetime.datetime) else day
        if day not in periods:
            period = period_of(granularity, day)
            periods[day] = Satisfaction(label=period.label, start=period.start, end=period.end,
                                        questions=[QuestionResult(q.pk, q.text) for q in questions])
        return periods[day]

    for row in (RatingResponse.objects.filter(survey=survey).annotate(p=trunc("rated_on")).values("p")
                .annotate(n=Count("id"), paper=Count("id", filter=Q(channel="paper"))).order_by()):
        target = slot(row["p"])
        target.responses, target.paper = row["n"], row["paper"]
    answers = RatingAnswer.objects.filter(response__survey=survey).annotate(p=trunc("response__rated_on"))
    for row in answers.values("p", "question_id").annotate(n=Count("id"), mean=Avg("stars")).order_by():
        for item in slot(row["p"]).questions:
            if item.question_id == row["question_id"]:
                item.count, item.mean = row["n"], _round(row["mean"])
    for row in answers.values("p", "stars").annotate(n=Count("id")).order_by():
        slot(row["p"]).distribution[row["stars"]] = row["n"]
    return [_finish(periods[key]) for key in sorted(periods, reverse=True)]
