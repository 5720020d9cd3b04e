"""Evaluation grades (评估等级): the tenant's score bands and awarding a grade."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from governance.audit import audit_record, diff, snapshot
from governance.exceptions import ApplicationError, ConflictError
from governance.tenancy import actor_or_none, require_tenant
from governance.workflows import lock_row, lock_rows
from orgs.models import EvaluationGrade, GradeBand, GradeStatus, Organization
from orgs.permissions import can_award_grade, can_configure_grades
from orgs.selectors import GRADE_ORDER, grade_bands, grade_eligibility, grade_for_score
from orgs.services._common import _as_date, _not_in_future
from orgs.services.list_flags import organization_refresh_flags


@transaction.atomic
def grade_bands_set(*, actor, tenant, bands: dict[str, int]) -> dict[str, int]:
    """Set the tenant's lower bound of every grade (strictly decreasing from 5A to 1A, 0..1000)."""
    require_tenant(tenant)
    if not can_configure_grades(actor):
        raise ApplicationError(_("You may not configure the grade bands."))
    expected = [grade.value for grade in GRADE_ORDER]
    if set(bands) != set(expected):
        raise ValidationError({"bands": [_("Give a minimum score for each of %(grades)s.")
                                         % {"grades": ", ".join(expected)}]})
    errors: dict[str, list[str]] = {}
    values: dict[str, int] = {}
    for grade in expected:
        value = bands[grade]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1000:
            errors[grade] = [_("Enter a whole number from 0 to 1000.")]
        else:
            values[grade] = value
    for higher, lower in zip(expected, expected[1:], strict=False):
        if higher in values and lower in values and values[lower] >= values[higher]:
            errors.setdefault(lower, []).append(_("Must be lower than the minimum of %(grade)s (%(score)d).")
                                                % {"grade": higher, "score": values[higher]})
    if errors:
        raise ValidationError(errors)
    existing = {band.grade: band for band in GradeBand.objects.filter(tenant=tenant)}
    before = {grade: band.min_score for grade, band in existing.items()}
    for grade, value in values.items():
        band = existing.get(grade)
        if band is None:
            band = GradeBand(tenant=tenant, grade=grade, min_score=value)
            band.full_clean()
            band.save()
        elif band.min_score != value:
            band.min_score = value
            band.full_clean()
            band.save(update_fields=["min_score"])
    changes = diff(before, values)
    if changes:
        audit_record(actor=actor, action="grade_bands.set", tenant=tenant, changes=changes,
                     object_repr=str(_("Grade bands")))
    return grade_bands(tenant=tenant)


@transaction.atomic
def grade_award(*, actor, organization: Organization, score: int, awarded_date, note: str = "") -> EvaluationGrade:
    """Record an evaluation result; the grade follows from the score and supersedes a valid grade."""
    if not can_award_grade(actor, organization):
        raise ApplicationError(_("You may not award evaluation grades to this organization."))
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 1000:
        raise ValidationError({"score": [_("Enter a whole number from 0 to 1000.")]})
    awarded_date = _as_date(awarded_date, "awarded_date")
    _not_in_future(awarded_date, "awarded_date")
    reasons = grade_eligibility(organization=organization, on_date=awarded_date)
    if reasons:
        raise ConflictError(_("This organization cannot be evaluated: %(reasons)s")
                            % {"reasons": " ".join(reasons)}, extra={"reasons": reasons})
    grade = EvaluationGrade(
        tenant_id=organization.tenant_id, organization=organization, score=score,
        grade=grade_for_score(tenant=organization.tenant, score=score), awarded_date=awarded_date,
        expires_date=EvaluationGrade.expiry_for(awarded_date), note=(note or "").strip(),
        awarded_by=actor_or_none(actor),
    )
    grade.full_clean(validate_constraints=False)
    # Awards to one organization queue behind each other, so each supersedes the one before.
    lock_row(organization)
    for previous in lock_rows(EvaluationGrade.objects.filter(organization=organization, status=GradeStatus.VALID)):
        previous.status = GradeStatus.EXPIRED
        previous.save(update_fields=["status"])
        audit_record(actor=actor, action="grade.supersede", obj=previous,
                     changes={"status": [GradeStatus.VALID, GradeStatus.EXPIRED]})
    try:
        with transaction.atomic():
            grade.save()
    except IntegrityError as exc:  # a writer that did not take the lock (e.g. the admin) won the race
        raise ConflictError(_("Another grade was awarded to this organization at the same time; "
                              "reload and try again.")) from exc
    audit_record(actor=actor, action="grade.award", obj=grade, changes=snapshot(grade))
    organization_refresh_flags(org_ids=[organization.pk])
    return grade
