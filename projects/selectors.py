"""Reads of projects. Every list is scoped to what the user may see; look-ups raise 404 otherwise.

Programs are seen by staff over the program's region; applications by staff over the applying unit or
over the program's region; the expert pool by staff over the pool's region; an expert sees only their
own assignments (and other experts' scores never, until their own are submitted).
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from governance.selectors import get_object_for_user_or_404, scope_to_user, user_region_paths
from orgs.models import Organization
from projects.models import (
    Application,
    AssignmentStatus,
    Expert,
    ExpertRelation,
    FundingProgram,
    ReviewAssignment,
    ReviewDraw,
    ReviewScore,
    ReviewTemplate,
)
from projects.permissions import VIEW_ROLES, can_see_all_scores, is_expert

PROGRAM_ORDERINGS = ("-year", "year", "name", "-name", "budget_pool", "-budget_pool")
APPLICATION_ORDERINGS = ("-created_at", "created_at", "-final_score", "final_score", "rank", "-requested_amount",
                         "requested_amount", "number")


def _text(filters: dict, key: str = "q") -> str:
    return (filters.get(key) or "").strip()


def _ancestor_paths(paths: list[str]) -> set[str]:
    chain = set()
    for path in paths:
        segments = path.strip("/").split("/")
        chain.update("/".join(segments[:depth]) + "/" for depth in range(1, len(segments)))
    return chain


def _visible_programs(user) -> QuerySet[FundingProgram]:
    """Programs owned in the user's subtrees, and the calls of the offices above them (they may apply)."""
    paths = user_region_paths(user, VIEW_ROLES)
    if not paths:
        return FundingProgram.objects.none()
    condition = Q(region__path__in=_ancestor_paths(paths))
    for path in paths:
        condition |= Q(region__path__startswith=path)
    return FundingProgram.objects.filter(condition)


def program_list(*, user, filters: dict | None = None) -> QuerySet[FundingProgram]:
    filters = filters or {}
    queryset = _visible_programs(user).select_related(
        "region", "review_template").annotate(application_count=Count("applications"))
    if q := _text(filters):
        queryset = queryset.filter(name__icontains=q)
    for key in ("kind", "status", "year"):
        if filters.get(key):
            queryset = queryset.filter(**{key: filters[key]})
    ordering = filters.get("ordering")
    return queryset.order_by(ordering if ordering in PROGRAM_ORDERINGS else "-year", "name", "id")


def program_get_for_user(*, user, pk) -> FundingProgram:
    return get_object_for_user_or_404(program_list(user=user), pk=pk)


def review_template_list(*, user) -> QuerySet[ReviewTemplate]:
    from projects.permissions import can_view_projects

    if not can_view_projects(user):
        return ReviewTemplate.objects.none()
    used = ReviewAssignment.objects.filter(application__program__review_template=OuterRef("pk"))
    return ReviewTemplate.objects.prefetch_related("criteria").annotate(in_use=Exists(used)).order_by("name", "id")


def review_template_get_for_user(*, user, pk) -> ReviewTemplate:
    return get_object_for_user_or_404(review_template_list(user=user), pk=pk)


def _visible_applications(user) -> QuerySet[Application]:
    paths = user_region_paths(user, VIEW_ROLES)
    if not paths:
        return Application.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(region__path__startswith=path) | Q(program__region__path__startswith=path)
    return Application.objects.filter(condition)


def application_list(*, user, filters: dict | None = None) -> QuerySet[Application]:
    filters = filters or {}
    queryset = _visible_applications(user).select_related("program", "region", "applicant_organization")
    if q := _text(filters):
        queryset = queryset.filter(Q(title__icontains=q) | Q(number__icontains=q))
    for key, lookup in (("program", "program_id"), ("status", "status"), ("kind", "program__kind"),
                        ("year", "program__year")):
        if filters.get(key):
            queryset = queryset.filter(**{lookup: filters[key]})
    flagged = filters.get("flagged")
    if flagged in (True, "true", "1"):
        queryset = queryset.filter(spread_flagged=True)
    elif flagged == "false":
        queryset = queryset.filter(spread_flagged=False)
    ordering = filters.get("ordering")
    return queryset.order_by(ordering if ordering in APPLICATION_ORDERINGS else "-created_at", "-id")


def application_get_for_user(*, user, pk) -> Application:
    return get_object_for_user_or_404(
        _visible_applications(user).select_related("program__region", "program__review_template", "region",
                                                   "applicant_organization", "created_by"), pk=pk)


def application_detail_rows(application: Application) -> dict:
    """Child rows of one application (constant number of queries)."""
    return {
        "budget_lines": list(application.budget_lines.all()),
        "indicators": list(application.indicators.all()),
        "cosigners": list(application.cosigners.all()),
        "attachments": list(application.attachments.select_related("uploaded_by")),
        "likely_bidders": list(application.likely_bidders.all()),
        "draws": list(ReviewDraw.objects.filter(application=application).order_by("round")),
    }


def review_overview(*, user, application: Application) -> list[ReviewAssignment]:
    """Assignments with scores, for staff of the program owner only (experts use their own pages)."""
    if not can_see_all_scores(user, application):
        return []
    return list(ReviewAssignment.objects.filter(application=application).select_related("expert")
                .prefetch_related("scores__criterion").order_by("id"))


def expert_list(*, user, filters: dict | None = None) -> QuerySet[Expert]:
    filters = filters or {}
    queryset = scope_to_user(Expert.objects.all(), user, roles=VIEW_ROLES).select_related("region", "employer")
    if q := _text(filters):
        queryset = queryset.filter(Q(name__icontains=q) | Q(affiliation__icontains=q) | Q(title__icontains=q))
    available = filters.get("available")
    if available in ("1", "0", "true", "false", True, False):
        queryset = queryset.filter(available=available in ("1", "true", True))
    if field := _text(filters, "field"):
        queryset = queryset.filter(fields__icontains=f'"{field}"')
    return queryset.order_by("name", "id")


def expert_get_for_user(*, user, pk) -> Expert:
    return get_object_for_user_or_404(expert_list(user=user), pk=pk)


def expert_relations(expert: Expert):
    return list(expert_relation_list(expert=expert))


def expert_relation_list(*, expert: Expert) -> QuerySet[ExpertRelation]:
    """The relations of an expert the caller already got through ``expert_get_for_user`` (staff)."""
    return ExpertRelation.objects.filter(expert=expert).select_related("organization").order_by("id")


def my_expert_profile(*, user) -> Expert | None:
    """The pool entry the signed-in expert scores with (none for anyone else, or an expert not yet linked)."""
    if not is_expert(user) or not getattr(user, "pk", None):
        return None
    return Expert.objects.filter(user_id=user.pk).select_related("region").first()


def my_relations(*, user) -> QuerySet[ExpertRelation]:
    """The relations the signed-in expert declared (or staff recorded for them); nothing for anyone else."""
    if not is_expert(user) or not getattr(user, "pk", None):
        return ExpertRelation.objects.none()
    return (ExpertRelation.objects.filter(expert__user_id=user.pk).select_related("organization")
            .order_by("-declared_on", "-id"))


def my_relation_get(*, user, pk) -> ExpertRelation:
    return get_object_for_user_or_404(my_relations(user=user), pk=pk)


def relation_organizations() -> QuerySet[Organization]:
    """Organizations of the current tenant an expert may declare a relation with (any of them)."""
    return Organization.objects.order_by("name", "id")


def relation_organization_get(*, pk) -> Organization:
    return get_object_for_user_or_404(relation_organizations(), pk=pk)


def my_assignments(*, user, filters: dict | None = None) -> QuerySet[ReviewAssignment]:
    """The signed-in expert's own assignments (nothing for anyone else)."""
    if not is_expert(user) or not getattr(user, "pk", None):
        return ReviewAssignment.objects.none()
    queryset = ReviewAssignment.objects.filter(expert__user_id=user.pk).select_related(
        "application__program", "application__region", "expert")
    status = (filters or {}).get("status")
    if status in AssignmentStatus.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-assigned_at", "-id")


def my_assignment_get(*, user, pk) -> ReviewAssignment:
    return get_object_for_user_or_404(my_assignments(user=user), pk=pk)


def assignment_scores(assignment: ReviewAssignment) -> dict[int, ReviewScore]:
    """The expert's own scores by criterion id."""
    return {s.criterion_id: s for s in assignment.scores.all()}


def peer_scores(*, assignment: ReviewAssignment) -> list:
    """Other experts' weighted scores, shown to an expert only after their own submission (blind before)."""
    if assignment.status != AssignmentStatus.SUBMITTED:
        return []
    return list(ReviewAssignment.objects.filter(application_id=assignment.application_id,
                                                status=AssignmentStatus.SUBMITTED)
                .exclude(pk=assignment.pk).values_list("weighted_score", flat=True).order_by("weighted_score"))
