"""Aggregation of expert scores (pure functions; the review services store their results).

* One expert: the weighted mean of their criterion scores, each normalised to 0-100 on the criterion's
  range; n/a answers are left out of both numerator and denominator (never counted as 0).
* Several experts: the plain mean of their weighted scores, or with ≥5 experts the trimmed mean
  (the single highest and lowest dropped). The spread (highest − lowest) is flagged above a margin.
* Each expert's deviation: their weighted score minus that final score (signed; the staff risk list flags an
  expert beyond the program's spread margin on several applications).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TRIM_FROM = 5
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CriterionScore:
    weight: Decimal
    min_score: Decimal
    max_score: Decimal
    score: Decimal | None  # None = n/a


@dataclass(frozen=True)
class Aggregate:
    score: Decimal | None
    spread: Decimal | None
    flagged: bool
    trimmed: bool
    experts: int


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def expert_weighted_score(scores: Iterable[CriterionScore]) -> Decimal | None:
    """Weighted mean on 0-100 over the answered criteria; None when every answer is n/a."""
    numerator = Decimal(0)
    weights = Decimal(0)
    for item in scores:
        if item.score is None:
            continue
        normalised = (Decimal(item.score) - item.min_score) / (item.max_score - item.min_score) * HUNDRED
        numerator += item.weight * normalised
        weights += item.weight
    if not weights:
        return None
    return _q(numerator / weights)


def aggregate(expert_scores: Sequence[Decimal | None], *, margin: Decimal) -> Aggregate:
    values = sorted(Decimal(v) for v in expert_scores if v is not None)
    if not values:
        return Aggregate(score=None, spread=None, flagged=False, trimmed=False, experts=0)
    spread = values[-1] - values[0]
    trimmed = len(values) >= TRIM_FROM
    kept = values[1:-1] if trimmed else values
    return Aggregate(score=_q(sum(kept) / len(kept)), spread=_q(spread), flagged=spread > margin,
                     trimmed=trimmed, experts=len(values))


def deviation(expert_score: Decimal | None, final_score: Decimal | None) -> Decimal | None:
    """How far one expert's weighted score lies from the application's final score (None if either is missing)."""
    if expert_score is None or final_score is None:
        return None
    return _q(Decimal(expert_score) - Decimal(final_score))
