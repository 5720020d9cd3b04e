"""Expert review: the draw for an application, recusal with redraw, blind scoring, aggregation, ranking."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import audit_record
from governance.exceptions import ApplicationError, ConflictError
from governance.models import RoleAssignment
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row
from projects import notifications
from projects.models import (
    Application,
    ApplicationStatus,
    AssignmentStatus,
    BidEvaluation,
    DrawPurpose,
    Expert,
    ExpertRelation,
    RelationKind,
    ReviewAssignment,
    ReviewDraw,
    ReviewScore,
)
from projects.permissions import can_decide_application, is_assigned_expert
from projects.services import scoring
from projects.services.applications import application_decide
from projects.services.draw import ALGORITHM, Candidate, ConflictContext, new_seed, run_draw
from projects.workflows import APPLICATION_WORKFLOW, ASSIGNMENT_WORKFLOW


def _ancestor_paths(path: str) -> list[str]:
    segments = path.strip("/").split("/")
    return ["/".join(segments[:depth]) + "/" for depth in range(1, len(segments) + 1)]


def expert_pool(application: Application):
    """Available experts of the pools above (or at) the program's region."""
    today = timezone.localdate()
    return (Expert.objects.filter(region__path__in=_ancestor_paths(application.program.region.path), available=True)
            .filter(Q(unavailable_until__isnull=True) | Q(unavailable_until__lt=today)))


def draw_candidates(application: Application) -> tuple[list[Candidate], ConflictContext]:
    """The pool as conflict-rule inputs, in a constant number of queries."""
    experts = list(expert_pool(application).only("id", "name", "employer_id", "user_id"))
    ids = [e.pk for e in experts]
    relations: dict[int, set[int]] = defaultdict(set)
    described: dict[int, list[tuple[int, str]]] = defaultdict(list)
    kinds = dict(RelationKind.choices)
    for expert_id, org_id, org_name, kind in (ExpertRelation.objects.filter(expert_id__in=ids).order_by("id")
                                              .values_list("expert_id", "organization_id", "organization__name",
                                                           "kind")):
        relations[expert_id].add(org_id)
        described[expert_id].append((org_id, f"{org_name}（{kinds.get(kind, kind)}）"))
    evaluated: dict[int, set[int]] = defaultdict(set)
    last_round = application.program.year - 1
    for expert_id, org_id in (BidEvaluation.objects.filter(
            expert_id__in=ids, bid__tender__application__program__year=last_round)
            .values_list("expert_id", "bid__organization_id")):
        evaluated[expert_id].add(org_id)
    user_ids = {e.user_id for e in experts if e.user_id}
    staff = set(RoleAssignment.objects.filter(user_id__in=user_ids, region__path__startswith=application.region.path)
                .values_list("user_id", flat=True)) if user_ids else set()
    org_ids = set(application.likely_bidders.values_list("pk", flat=True))
    if application.applicant_organization_id:
        org_ids.add(application.applicant_organization_id)
    drawn = set(ReviewAssignment.objects.filter(application=application).values_list("expert_id", flat=True))
    candidates = [Candidate(id=e.pk, name=e.name, employer_id=e.employer_id,
                            related_org_ids=frozenset(relations[e.pk]),
                            declared_relations=tuple(described[e.pk]),
                            evaluated_org_ids_last_round=frozenset(evaluated[e.pk]),
                            staff_of_applicant=e.user_id in staff) for e in experts]
    return candidates, ConflictContext(organization_ids=frozenset(org_ids), already_drawn=frozenset(drawn))


def _draw(*, actor, application: Application, count: int, purpose: str, seed: str | None,
          allow_short: bool) -> ReviewDraw:
    candidates, context = draw_candidates(application)
    seed = seed or new_seed()
    outcome = run_draw(seed=seed, candidates=candidates, context=context, count=count)
    if len(outcome.result) < count and not allow_short:
        raise ConflictError(
            _("Only %(n)s experts without a conflict of interest are available; %(count)s are needed.")
            % {"n": len(outcome.result), "count": count},
            extra={"excluded": len(outcome.exclusions), "pool": len(candidates)})
    number = (application.draws.aggregate(top=Max("round"))["top"] or 0) + 1
    draw = ReviewDraw(tenant=application.tenant, application=application, round=number, purpose=purpose,
                      seed=seed, algorithm=ALGORITHM, requested=count, pool_snapshot=outcome.snapshot,
                      exclusions=outcome.exclusions, result=outcome.result, drawn_by=actor_or_none(actor))
    draw.full_clean()
    draw.save()
    assignments = ReviewAssignment.objects.bulk_create([
        ReviewAssignment(tenant=application.tenant, application=application, expert_id=pk, draw=draw)
        for pk in outcome.result])
    audit_record(actor=actor, action="review.draw", obj=application, changes={
        "round": number, "purpose": purpose, "seed": seed, "algorithm": ALGORITHM, "requested": count,
        "pool_snapshot": outcome.snapshot, "exclusions": outcome.exclusions, "result": outcome.result})
    notifications.experts_assigned(application=application, assignments=assignments, actor=actor)
    return draw


@transaction.atomic
def application_start_review(*, actor, application: Application, seed: str | None = None) -> ReviewDraw:
    """Draw the program's number of experts and move the application into review, atomically."""
    require_tenant(application.tenant)
    if not can_decide_application(actor, application):
        raise ApplicationError(_("You may not start the review of this application."))
    if application.program.decided_by_residents:
        raise ConflictError(_("A community self-governance fund application is decided by a residents' "
                               "consultation, not by experts."))
    if application.program.review_template_id is None:
        raise ConflictError(_("Give the program a review template first."))
    lock_row(application, "status")
    if application.status != ApplicationStatus.SUBMITTED or application.assignments.exists():
        raise ConflictError(_("Experts are drawn once, for a submitted application."))
    draw = _draw(actor=actor, application=application, count=application.program.experts_per_application,
                 purpose=DrawPurpose.INITIAL, seed=seed, allow_short=False)
    APPLICATION_WORKFLOW.transition(obj=application, to=ApplicationStatus.IN_REVIEW, actor=actor)
    return draw


@transaction.atomic
def assignment_recuse(*, actor, assignment: ReviewAssignment, reason: str) -> ReviewDraw | None:
    """Declared recusal: the expert leaves, one replacement is drawn (none if the pool is exhausted)."""
    require_tenant(assignment.tenant)
    application = assignment.application
    ASSIGNMENT_WORKFLOW.transition(obj=assignment, to=AssignmentStatus.RECUSED, actor=actor, note=reason,
                                   fields={"recused_reason": reason.strip()})
    ReviewScore.objects.filter(assignment=assignment).delete()
    draw = _draw(actor=actor, application=application, count=1, purpose=DrawPurpose.REDRAW, seed=None,
                 allow_short=True)
    if not draw.result:
        notifications.redraw_failed(application=application, actor=actor)
        _aggregate_if_complete(actor=actor, application=application)
    return draw


def _criteria(application: Application):
    return list(application.program.review_template.criteria.all())


@transaction.atomic
def scores_save(*, actor, assignment: ReviewAssignment, scores: list[dict], comment: str = "",
                submit: bool = False) -> ReviewAssignment:
    """Save (and with ``submit`` hand in) an expert's scores; ``score`` None is n/a."""
    require_tenant(assignment.tenant)
    if not is_assigned_expert(actor, assignment):
        raise ApplicationError(_("Only the assigned expert scores this application."))
    lock_row(assignment, "status")
    if assignment.status != AssignmentStatus.PENDING:
        raise ConflictError(_("These scores are already submitted or the expert recused."))
    if assignment.application.status != ApplicationStatus.IN_REVIEW:
        raise ConflictError(_("The application is not in review."))
    criteria = {c.pk: c for c in _criteria(assignment.application)}
    rows, errors, seen = [], {}, set()
    for entry in scores:
        criterion = criteria.get(entry.get("criterion"))
        if criterion is None or criterion.pk in seen:
            raise ApplicationError(_("Unknown or repeated criterion."), extra={"criterion": entry.get("criterion")})
        seen.add(criterion.pk)
        value = entry.get("score")
        if value is None:
            if not criterion.allow_not_applicable:
                errors[str(criterion.pk)] = _("“%(name)s” must be scored (n/a is not allowed).") % {
                    "name": criterion.name}
        else:
            value = Decimal(value)
            if not (criterion.min_score <= value <= criterion.max_score):
                errors[str(criterion.pk)] = _("“%(name)s” is scored from %(min)s to %(max)s.") % {
                    "name": criterion.name, "min": criterion.min_score, "max": criterion.max_score}
        rows.append(ReviewScore(tenant=assignment.tenant, assignment=assignment, criterion=criterion, score=value,
                                comment=(entry.get("comment") or "")[:500]))
    if errors:
        raise ApplicationError(" ".join(errors.values()), extra={"criteria": errors})
    if submit and set(criteria) - seen:
        raise ApplicationError(_("Score every criterion (or mark it n/a) before submitting."),
                               extra={"missing": sorted(set(criteria) - seen)})
    weighted = scoring.expert_weighted_score(
        scoring.CriterionScore(weight=r.criterion.weight, min_score=r.criterion.min_score,
                               max_score=r.criterion.max_score, score=r.score) for r in rows)
    if submit and weighted is None:
        raise ApplicationError(_("At least one criterion must be scored; not all can be n/a."))
    ReviewScore.objects.filter(assignment=assignment).delete()
    ReviewScore.objects.bulk_create(rows)
    assignment.comment = comment.strip()
    assignment.full_clean()
    assignment.save(update_fields=["comment"])
    audit_record(actor=actor, action="review.scores_save", obj=assignment,
                 changes={"scores": {str(r.criterion_id): None if r.score is None else str(r.score) for r in rows},
                          "submit": submit})
    if submit:
        ASSIGNMENT_WORKFLOW.transition(obj=assignment, to=AssignmentStatus.SUBMITTED, actor=actor,
                                       fields={"weighted_score": weighted, "submitted_at": timezone.now()})
        _aggregate_if_complete(actor=actor, application=assignment.application)
    return assignment


def _aggregate_if_complete(*, actor, application: Application) -> None:
    assignments = list(application.assignments.exclude(status=AssignmentStatus.RECUSED))
    if not assignments or any(a.status == AssignmentStatus.PENDING for a in assignments):
        return
    result = scoring.aggregate([a.weighted_score for a in assignments], margin=application.program.spread_margin)
    application.final_score, application.score_spread = result.score, result.spread
    application.spread_flagged = result.flagged
    application.save(update_fields=["final_score", "score_spread", "spread_flagged", "updated_at"])
    for assignment in assignments:
        assignment.deviation = scoring.deviation(assignment.weighted_score, result.score)
    ReviewAssignment.objects.bulk_update(assignments, ["deviation"])
    audit_record(actor=actor, action="application.aggregate", obj=application, changes={
        "experts": {str(a.expert_id): str(a.weighted_score) for a in assignments},
        "deviations": {str(a.expert_id): None if a.deviation is None else str(a.deviation) for a in assignments},
        "final_score": None if result.score is None else str(result.score), "trimmed": result.trimmed,
        "spread": None if result.spread is None else str(result.spread), "flagged": result.flagged})
    notifications.review_complete(application=application, actor=actor)


@transaction.atomic
def program_rank_and_approve(*, actor, program) -> list[Application]:
    """Rank the program's reviewed applications and approve them in order within the budget pool.

    Below the pass mark: rejected. Above it but no longer fitting in what is left of the pool: rejected
    with that reason. Ties: the smaller request first, then the earlier submission.
    """
    require_tenant(program.tenant)
    in_review = list(program.applications.filter(status=ApplicationStatus.IN_REVIEW).select_related("program"))
    if not in_review:
        raise ConflictError(_("No application of this program is in review."))
    if not all(can_decide_application(actor, a) for a in in_review):
        raise ApplicationError(_("You may not decide this program's applications."))
    waiting = [a.number for a in in_review if a.final_score is None]
    if waiting:
        raise ConflictError(_("Experts have not finished: %(numbers)s.") % {"numbers": ", ".join(waiting)},
                               extra={"waiting": waiting})
    ranked = sorted(in_review, key=lambda a: (-a.final_score, a.requested_amount, a.submitted_at or timezone.now(),
                                              a.pk))
    for position, application in enumerate(ranked, start=1):
        application.rank = position
    Application.objects.bulk_update(ranked, ["rank"])
    approved = sum(program.applications.filter(status=ApplicationStatus.APPROVED)
                   .values_list("approved_amount", flat=True), Decimal(0))
    left = program.budget_pool - approved
    decisions = []
    for application in ranked:
        if application.final_score < program.pass_score:
            note = _("Score %(score)s is below the pass mark of %(pass)s.") % {
                "score": application.final_score, "pass": program.pass_score}
            application_decide(actor=actor, application=application, to=ApplicationStatus.REJECTED, note=note)
        elif application.requested_amount <= left:
            left -= application.requested_amount
            note = _("Ranked %(rank)s of %(n)s with %(score)s points; funded within the budget pool.") % {
                "rank": application.rank, "n": len(ranked), "score": application.final_score}
            application_decide(actor=actor, application=application, to=ApplicationStatus.APPROVED, note=note)
        else:
            note = _("Ranked %(rank)s of %(n)s; the %(left)s yuan left in the budget pool do not cover the "
                     "%(amount)s yuan requested.") % {"rank": application.rank, "n": len(ranked), "left": left,
                                                      "amount": application.requested_amount}
            application_decide(actor=actor, application=application, to=ApplicationStatus.REJECTED, note=note)
        decisions.append([application.number, application.rank, str(application.final_score), application.status])
    audit_record(actor=actor, action="program.rank", obj=program, changes={"ranking": decisions,
                                                                         "pool_left": str(left)})
    return ranked
