"""Reads of evaluations; every list is scoped, look-ups raise 404 otherwise.

Staff see the evaluations of contracts whose buyer region or applying unit lies in their subtree (the
contract's own scope, ``selectors_tenders``); an organization user sees only their own organizations'
**published** evaluations, never one awaiting publication.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.selectors import get_object_for_user_or_404, scope_to_user
from orgs.permissions import is_org_user, member_organization_ids
from projects.models import Evaluation, EvaluationBand, EvaluationKind, EvaluationStatus
from projects.permissions import PROGRAM_ROLES
from projects.selectors_tenders import _staff_scope

# The columns the list pages and the export read (the snapshot and breakdown stay in the database).
LIST_FIELDS = ("id", "tenant_id", "contract_id", "kind", "period", "status", "score", "band", "satisfaction",
               "ratings", "input_hash", "formula_version", "computed_at", "published_at",
               "contract__number", "contract__title", "contract__organization_id", "contract__organization__name",
               "contract__region_id", "contract__region__name")


EVALUATION_ORDERINGS = ("-period", "period", "-score", "score", "-satisfaction", "satisfaction", "contract__number",
                        "-contract__number", "-published_at", "published_at")


def _filtered(queryset: QuerySet, filters: dict) -> QuerySet:
    queryset = queryset.select_related("contract__organization", "contract__region")
    if q := str(filters.get("q") or "").strip()[:100]:
        queryset = queryset.filter(Q(contract__number__icontains=q) | Q(contract__title__icontains=q)
                                   | Q(contract__organization__name__icontains=q))
    for key, choices in (("kind", EvaluationKind), ("band", EvaluationBand), ("status", EvaluationStatus)):
        if filters.get(key) in choices.values:
            queryset = queryset.filter(**{key: filters[key]})
    if str(filters.get("contract") or "").isdigit():
        queryset = queryset.filter(contract_id=int(filters["contract"]))
    year = str(filters.get("year") or "")
    if year.isdigit() and len(year) == 4:
        queryset = queryset.filter(period__year=int(year))
    ordering = filters.get("ordering")
    return queryset.order_by(ordering if ordering in EVALUATION_ORDERINGS else "-period", "-id")


def evaluation_list(*, user, filters: dict | None = None) -> QuerySet[Evaluation]:
    """Staff: the evaluations of the contracts in the user's subtree (awaiting publication and published)."""
    scoped = _staff_scope(Evaluation.objects.all(), user, buyer="contract__region", unit="contract__application__region")
    return _filtered(scoped, filters or {})


def evaluation_get_for_user(*, user, pk) -> Evaluation:
    return get_object_for_user_or_404(evaluation_list(user=user).select_related("published_by"), pk=pk)


def my_evaluations(*, user, filters: dict | None = None) -> QuerySet[Evaluation]:
    """The organization's own published evaluations (portal)."""
    ids = member_organization_ids(user) if is_org_user(user) else frozenset()
    filters = {key: value for key, value in (filters or {}).items() if key != "status"}
    return _filtered(Evaluation.objects.filter(contract__organization_id__in=ids,
                                               status=EvaluationStatus.PUBLISHED), filters)


def my_evaluation_get(*, user, pk) -> Evaluation:
    return get_object_for_user_or_404(my_evaluations(user=user), pk=pk)


def evaluations_to_publish_count(user) -> int:
    """Evaluations awaiting publication that ``user`` may publish (the buyer's staff; for the 待办)."""
    return scope_to_user(Evaluation.objects.filter(status=EvaluationStatus.COMPUTED), user,
                         region_field="contract__region", roles=PROGRAM_ROLES).count()


COMPONENT_LABELS = {
    "indicators": _("Indicator completion"),
    "satisfaction": _("Resident satisfaction"),
    "spending": _("Spending compliance"),
    "timeliness": _("Report timeliness"),
    "experts": _("Expert and third-party scores"),
}
COMPONENT_INPUTS = {
    "indicators": (),
    "satisfaction": ("responses", "answers", "mean_stars"),
    "spending": ("spent", "over_budget", "overhead_share", "overhead_limit"),
    "timeliness": ("reports", "on_time"),
    "experts": ("scores",),
}
INPUT_LABELS = {
    "responses": _("Ratings"), "answers": _("Answers"), "mean_stars": _("Mean stars (of 5)"),
    "spent": _("Approved spending (yuan)"), "over_budget": _("Spent above the budget lines (yuan)"),
    "overhead_share": _("Management share (%)"), "overhead_limit": _("Management limit (%)"),
    "reports": _("Reports of the periods evaluated"), "on_time": _("Submitted by the due date"),
    "scores": _("Scores entered"), "values": _("Scores"),
}


def breakdown_rows(evaluation: Evaluation) -> list[dict]:
    """The breakdown per component in the formula's order: score, weight, effective weight, points and the
    inputs behind it (read from the stored breakdown; the snapshot adds the expert scores)."""
    from projects.services.evaluation_formula import COMPONENTS

    parts = evaluation.breakdown or {}
    rows = []
    for key in COMPONENTS:
        part = parts.get(key) or {}
        inputs = [(INPUT_LABELS[name], part.get(name)) for name in COMPONENT_INPUTS[key] if name in part]
        if key == "experts":
            inputs.append((INPUT_LABELS["values"], ", ".join(evaluation.input_snapshot.get("experts") or []) or None))
        rows.append({"key": key, "label": COMPONENT_LABELS[key], "score": part.get("score"), "weight": part.get("weight"),
                     "effective_weight": part.get("effective_weight"), "points": part.get("points"),
                     "inputs": inputs, "indicators": part.get("indicators") or []})
    return rows
