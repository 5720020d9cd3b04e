"""Seeded random draw of experts (专家随机抽取) that excludes conflicts of interest.

The draw is a pure function of (seed, eligible expert ids, count): every id is ranked by
SHA-256(seed ":" id) and the lowest ``count`` ranks win. ``ReviewDraw`` stores the seed, the pool
snapshot (every available expert considered, with their conflicts) and the result, so anyone can run
``draw_experts`` again on the stored record (``redraw_matches``) and get the same experts.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

ALGORITHM = "sha256-rank-v1"


class Conflict:
    SAME_EMPLOYER = "same_employer"
    DECLARED_RELATION = "declared_relation"
    REVIEWED_BID_LAST_ROUND = "reviewed_bid_last_round"
    APPLICANT_STAFF = "applicant_staff"
    ALREADY_DRAWN = "already_drawn"

    LABELS = {
        SAME_EMPLOYER: _("Works for the applicant or a likely bidder"),
        DECLARED_RELATION: _("Declared a relation with the applicant or a likely bidder"),
        REVIEWED_BID_LAST_ROUND: _("Evaluated a bid of the applicant or a likely bidder last round"),
        APPLICANT_STAFF: _("Member of the applying unit's staff"),
        ALREADY_DRAWN: _("Already drawn for this application"),
    }


@dataclass(frozen=True)
class Candidate:
    """What the conflict rules need to know about one expert.

    ``declared_relations`` describes the declared relations for the record: ``(organization id, "name (kind)")``.
    """

    id: int
    name: str = ""
    employer_id: int | None = None
    related_org_ids: frozenset[int] = frozenset()
    evaluated_org_ids_last_round: frozenset[int] = frozenset()
    staff_of_applicant: bool = False
    declared_relations: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ConflictContext:
    organization_ids: frozenset[int]  # the applicant organization and the likely bidders
    already_drawn: frozenset[int] = field(default_factory=frozenset)


def conflicts_of(candidate: Candidate, context: ConflictContext) -> list[str]:
    reasons = []
    orgs = context.organization_ids
    if candidate.employer_id is not None and candidate.employer_id in orgs:
        reasons.append(Conflict.SAME_EMPLOYER)
    if candidate.related_org_ids & orgs:
        reasons.append(Conflict.DECLARED_RELATION)
    if candidate.evaluated_org_ids_last_round & orgs:
        reasons.append(Conflict.REVIEWED_BID_LAST_ROUND)
    if candidate.staff_of_applicant:
        reasons.append(Conflict.APPLICANT_STAFF)
    if candidate.id in context.already_drawn:
        reasons.append(Conflict.ALREADY_DRAWN)
    return reasons


def new_seed() -> str:
    return secrets.token_hex(16)


def _rank(seed: str, expert_id: int) -> str:
    return hashlib.sha256(f"{seed}:{expert_id}".encode()).hexdigest()


def draw_experts(seed: str, eligible_ids: Iterable[int], count: int) -> list[int]:
    """The ``count`` eligible ids ranked first for ``seed`` (order of the draw)."""
    ids = sorted(set(eligible_ids))
    return sorted(ids, key=lambda pk: (_rank(seed, pk), pk))[:count]


@dataclass(frozen=True)
class DrawOutcome:
    seed: str
    snapshot: list[dict]
    exclusions: list[dict]
    result: list[int]


def run_draw(*, seed: str, candidates: Sequence[Candidate], context: ConflictContext, count: int) -> DrawOutcome:
    snapshot, exclusions, eligible = [], [], []
    for candidate in sorted(candidates, key=lambda c: c.id):
        reasons = conflicts_of(candidate, context)
        snapshot.append({"id": candidate.id, "name": candidate.name, "conflicts": reasons})
        if reasons:
            exclusions.append(_exclusion(candidate, reasons, context))
        else:
            eligible.append(candidate.id)
    return DrawOutcome(seed=seed, snapshot=snapshot, exclusions=exclusions,
                       result=draw_experts(seed, eligible, count))


def _exclusion(candidate: Candidate, reasons: list[str], context: ConflictContext) -> dict:
    """The recorded exclusion; a declared relation is named (organization and kind) in ``relations`` and the text."""
    relations = [{"organization": org_id, "relation": text} for org_id, text in candidate.declared_relations
                 if org_id in context.organization_ids]
    texts = []
    for reason in reasons:
        text = str(Conflict.LABELS[reason])
        if reason == Conflict.DECLARED_RELATION and relations:
            text += "：" + "、".join(r["relation"] for r in relations)
        texts.append(text)
    entry = {"id": candidate.id, "name": candidate.name, "reasons": reasons, "text": "；".join(texts)}
    if relations:
        entry["relations"] = relations
    return entry


def redraw_matches(*, seed: str, snapshot: list[dict], count: int, result: list[int]) -> bool:
    """Re-run a stored draw from its record: the same seed and snapshot give the same experts."""
    eligible = [entry["id"] for entry in snapshot if not entry["conflicts"]]
    return draw_experts(seed, eligible, count) == list(result)
