"""The evaluation formula (评估公式): one pure function from an input snapshot to the score, band and breakdown.

No database access: ``evaluate(snapshot)`` recomputes a stored evaluation exactly, and ``snapshot_hash`` is
the SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces, UTF-8). Numbers in a snapshot are
decimal strings, so the result does not depend on floating point. A change to the rules below is a new
``FORMULA_VERSION``; stored evaluations keep the version they were computed with.

Snapshot (built by ``projects.services.evaluations``)::

    {"contract": id, "kind": "midterm"|"final", "period": "YYYY-MM-DD", "term": [start, end],
     "weights": {"indicators", "satisfaction", "spending", "timeliness", "experts"},     # sum 100
     "bands": {"excellent", "good", "pass"},
     "indicators": [{"id", "name", "target", "weight", "direction", "aggregation",
                     "actuals": [[period_end, value], ...]}],                 # approved reports only
     "satisfaction": {"responses": n, "answers": n, "stars": sum of stars},
     "spending": {"overhead_limit": "10", "lines": [{"id", "amount", "spent", "overhead": bool}]},
     "reports": [{"due": date, "submitted": date | null}],                    # periods up to ``period``
     "experts": ["85.00", ...]}

Components (each 0-100; one with no data is left out and the other weights count in proportion):
- **indicators**: per indicator, completion = approved actual vs target, capped at 100 %. Cumulative
  indicators sum their actuals against the target for the part of the term evaluated (the whole target at
  the final evaluation, the elapsed share of it at the mid-term); per-period ones average each period's
  completion. Ascending: actual / target; descending: 100 % while at or below the target, target / actual
  above it. The component is the weighted mean by indicator weight; no approved figure counts as 0.
- **satisfaction**: mean stars / 5 × 100 over all answers.
- **spending**: 100 × (1 − money spent above its budget line / money spent), minus the points by which the
  management share exceeds the limit; no approved spending leaves it out.
- **timeliness**: share of the reports of the evaluated periods submitted by their due date.
- **experts**: mean of the expert and third-party scores.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from decimal import ROUND_HALF_UP, Decimal

import orjson

FORMULA_VERSION = "2026.1"
COMPONENTS = ("indicators", "satisfaction", "spending", "timeliness", "experts")
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
# Bands from the best down (优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 below).
BANDS = ("excellent", "good", "pass")


def canonical_json(snapshot: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8 unescaped. orjson writes exactly these bytes for a snapshot's types
    (strings, ints, booleans, null, lists, objects with string keys: ``test_canonical_json_is_the_json_module_s``
    compares every code point), several times faster; what it refuses (an int beyond 64 bits, a key that is
    not a string) goes through the json module as before."""
    try:
        return orjson.dumps(snapshot, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def snapshot_hash(snapshot: dict) -> str:
    return hashlib.sha256(canonical_json(snapshot)).hexdigest()


def _d(value) -> Decimal:
    return Decimal(value if type(value) is str else str(value))


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _s(value: Decimal | None) -> str | None:
    # str() of a decimal quantized to two places is its fixed-point form, as f"{value:f}" (never an exponent)
    return None if value is None else str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def completion(actual: Decimal, target: Decimal, direction: str) -> Decimal:
    """Percent of the target reached, 0-100 (capped)."""
    if direction == "descending":
        if actual <= target:
            return HUNDRED
        return max(Decimal(0), min(HUNDRED, target * HUNDRED / actual)) if actual > 0 else HUNDRED
    if target <= 0:
        return HUNDRED
    return max(Decimal(0), min(HUNDRED, actual * HUNDRED / target))


def term_share(term: list[str], period: str) -> Decimal:
    """The share of the term evaluated (days from the start through ``period`` over the term's days), ≤ 1."""
    start, end, through = (datetime.date.fromisoformat(d) for d in (*term, period))
    total = (end - start).days + 1
    return min(Decimal(1), Decimal(max(0, (through - start).days + 1)) / Decimal(total))


def _indicators(snapshot: dict) -> tuple[Decimal | None, list[dict]]:
    rows = snapshot.get("indicators") or []
    if not rows:
        return None, []
    share = term_share(snapshot["term"], snapshot["period"])
    details, total, weights = [], Decimal(0), Decimal(0)
    for row in rows:
        target, weight = _d(row["target"]), _d(row["weight"])
        values = [_d(value) for _period, value in row.get("actuals") or []]
        if row.get("aggregation") == "per_period":
            actual = sum(values, Decimal(0)) / len(values) if values else None
            reached = (sum((completion(v, target, row["direction"]) for v in values), Decimal(0)) / len(values)
                       if values else Decimal(0))
            goal = target
        else:
            actual = sum(values, Decimal(0)) if values else None
            goal = target * share
            reached = completion(actual, goal, row["direction"]) if values else Decimal(0)
        reached = _q(reached)
        details.append({"id": row["id"], "name": row["name"], "target": _s(goal), "actual": _s(actual),
                        "weight": _s(weight), "completion": str(reached)})
        total += reached * weight
        weights += weight
    return (total / weights if weights else None), details


def _satisfaction(snapshot: dict) -> tuple[Decimal | None, dict]:
    data = snapshot.get("satisfaction") or {}
    answers = int(data.get("answers") or 0)
    if not answers:
        return None, {"responses": int(data.get("responses") or 0), "answers": 0, "mean_stars": None}
    mean = _d(data["stars"]) / answers
    return mean * HUNDRED / 5, {"responses": int(data.get("responses") or 0), "answers": answers,
                                "mean_stars": _s(mean)}


def _spending(snapshot: dict) -> tuple[Decimal | None, dict]:
    data = snapshot.get("spending") or {}
    lines = data.get("lines") or []
    spent = sum((_d(line["spent"]) for line in lines), Decimal(0))
    if spent <= 0:
        return None, {"spent": "0.00"}
    over = sum((max(Decimal(0), _d(line["spent"]) - _d(line["amount"])) for line in lines), Decimal(0))
    overhead = sum((_d(line["spent"]) for line in lines if line.get("overhead")), Decimal(0))
    overhead_share = overhead * HUNDRED / spent
    limit = _d(data.get("overhead_limit") or "100")
    score = HUNDRED * (1 - over / spent) - max(Decimal(0), overhead_share - limit)
    return max(Decimal(0), min(HUNDRED, score)), {
        "spent": _s(spent), "over_budget": _s(over), "overhead_share": _s(overhead_share), "overhead_limit": _s(limit)}


def _timeliness(snapshot: dict) -> tuple[Decimal | None, dict]:
    reports = snapshot.get("reports") or []
    if not reports:
        return None, {"reports": 0, "on_time": 0}
    on_time = sum(1 for r in reports if r.get("submitted") and r["submitted"] <= r["due"])
    return Decimal(on_time) * HUNDRED / len(reports), {"reports": len(reports), "on_time": on_time}


def _experts(snapshot: dict) -> tuple[Decimal | None, dict]:
    scores = [_d(s) for s in snapshot.get("experts") or []]
    if not scores:
        return None, {"scores": 0}
    return sum(scores, Decimal(0)) / len(scores), {"scores": len(scores)}


def band_of(score: Decimal, bands: dict) -> str:
    for band in BANDS:
        if score >= _d(bands[band]):
            return band
    return "fail"


def evaluate(snapshot: dict) -> dict:
    """Score (0-100, 2 places), band, breakdown per component, and the satisfaction score and ratings count."""
    weights = {key: _d(snapshot["weights"][key]) for key in COMPONENTS}
    indicator_score, indicator_details = _indicators(snapshot)
    parts = {
        "indicators": (indicator_score, {"indicators": indicator_details}),
        "satisfaction": _satisfaction(snapshot),
        "spending": _spending(snapshot),
        "timeliness": _timeliness(snapshot),
        "experts": _experts(snapshot),
    }
    used = sum((weights[key] for key, (value, _detail) in parts.items() if value is not None), Decimal(0))
    breakdown, total = {}, Decimal(0)
    for key in COMPONENTS:
        value, detail = parts[key]
        value = None if value is None else _q(value)
        effective = weights[key] * HUNDRED / used if value is not None and used else Decimal(0)
        contribution = value * effective / HUNDRED if value is not None else Decimal(0)
        total += contribution
        breakdown[key] = {"score": None if value is None else str(value), "weight": _s(weights[key]), "effective_weight": _s(effective),
                          "points": _s(contribution), **detail}
    score = _q(max(Decimal(0), min(HUNDRED, total)))
    satisfaction = parts["satisfaction"][0]
    return {"score": score, "band": band_of(score, snapshot["bands"]), "breakdown": breakdown,
            "satisfaction": None if satisfaction is None else _q(satisfaction),
            "ratings": int((snapshot.get("satisfaction") or {}).get("responses") or 0)}
