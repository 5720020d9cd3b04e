"""Explicit input and output serializers of the project API (and the row functions of its fast lists)."""

from __future__ import annotations

from rest_framework import serializers

from governance.api.fields import DecimalStringField, PastDateField
from governance.api.inputs import InputSerializer
from governance.api.lists import choice_labels, date_out, datetime_out, decimal_out, display
from projects.models import (
    Aggregation,
    ApplicationStatus,
    AssignmentStatus,
    BudgetCategory,
    Direction,
    IndicatorKind,
    ProgramKind,
    ProgramStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class ProgramOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ProgramKind.choices)
    kind_display = serializers.CharField(source="get_kind_display")
    year = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ProgramStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    budget_pool = serializers.DecimalField(**MONEY)
    cap_per_application = serializers.DecimalField(**MONEY)
    application_opens = serializers.DateField()
    application_closes = serializers.DateField()
    review_opens = serializers.DateField()
    review_closes = serializers.DateField()
    experts_per_application = serializers.IntegerField()
    pass_score = serializers.DecimalField(max_digits=5, decimal_places=2)
    min_grade = serializers.CharField()
    require_not_credit_listed = serializers.BooleanField()
    require_active = serializers.BooleanField()
    min_years_registered = serializers.IntegerField()
    min_last_conclusion = serializers.CharField()


PROGRAM_VALUES = ("id", "name", "kind", "year", "status", "region_id", "region__name", "budget_pool",
                  "cap_per_application", "application_opens", "application_closes", "review_opens", "review_closes",
                  "experts_per_application", "pass_score", "min_grade", "require_not_credit_listed", "require_active",
                  "min_years_registered", "min_last_conclusion")


def program_rows(rows: list[dict]) -> list[dict]:
    kinds, statuses = choice_labels(ProgramKind), choice_labels(ProgramStatus)
    return [{
        "id": r["id"], "name": r["name"], "kind": r["kind"], "kind_display": display(kinds, r["kind"]),
        "year": r["year"], "status": r["status"], "status_display": display(statuses, r["status"]),
        "region": r["region_id"], "region_name": r["region__name"], "budget_pool": decimal_out(r["budget_pool"], 2),
        "cap_per_application": decimal_out(r["cap_per_application"], 2),
        "application_opens": date_out(r["application_opens"]), "application_closes": date_out(r["application_closes"]),
        "review_opens": date_out(r["review_opens"]), "review_closes": date_out(r["review_closes"]),
        "experts_per_application": r["experts_per_application"], "pass_score": decimal_out(r["pass_score"], 2),
        "min_grade": r["min_grade"], "require_not_credit_listed": r["require_not_credit_listed"],
        "require_active": r["require_active"], "min_years_registered": r["min_years_registered"],
        "min_last_conclusion": r["min_last_conclusion"],
    } for r in rows]


class EligibilityFailureSerializer(serializers.Serializer):
    rule = serializers.CharField()
    message = serializers.CharField()


class EligibilityOutputSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    eligible = serializers.BooleanField()
    failures = EligibilityFailureSerializer(many=True)


class ApplicationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    program = serializers.IntegerField(source="program_id")
    program_name = serializers.CharField(source="program.name")
    region = serializers.IntegerField(source="region_id")
    region_name = serializers.CharField(source="region.name")
    status = serializers.ChoiceField(choices=ApplicationStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    requested_amount = serializers.DecimalField(**MONEY)
    approved_amount = serializers.DecimalField(**MONEY, allow_null=True)
    final_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    spread_flagged = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


APPLICATION_VALUES = ("id", "number", "title", "program_id", "program__name", "region_id", "region__name", "status",
                      "requested_amount", "approved_amount", "final_score", "spread_flagged", "rank", "submitted_at",
                      "created_at")


def application_rows(rows: list[dict]) -> list[dict]:
    statuses = choice_labels(ApplicationStatus)
    return [{
        "id": r["id"], "number": r["number"], "title": r["title"], "program": r["program_id"],
        "program_name": r["program__name"], "region": r["region_id"], "region_name": r["region__name"],
        "status": r["status"], "status_display": display(statuses, r["status"]),
        "requested_amount": decimal_out(r["requested_amount"], 2), "approved_amount": decimal_out(r["approved_amount"], 2),
        "final_score": decimal_out(r["final_score"], 2), "spread_flagged": r["spread_flagged"], "rank": r["rank"],
        "submitted_at": datetime_out(r["submitted_at"]), "created_at": datetime_out(r["created_at"]),
    } for r in rows]


class BudgetLineSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=BudgetCategory.choices)
    amount = DecimalStringField(**MONEY, min_value=0)
    rationale = serializers.CharField(max_length=500)


class IndicatorSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=IndicatorKind.choices)
    unit = serializers.CharField(max_length=20)
    baseline = DecimalStringField(max_digits=14, decimal_places=2, default="0")
    target = DecimalStringField(max_digits=14, decimal_places=2)
    weight = DecimalStringField(max_digits=5, decimal_places=2, min_value=0)
    direction = serializers.ChoiceField(choices=Direction.choices, default=Direction.ASCENDING)
    aggregation = serializers.ChoiceField(
        choices=Aggregation.choices, required=False,
        help_text="Omitted: per_period for a percentage (unit %), else cumulative. A percentage is never cumulative.")


class CosignerSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    capacity = serializers.CharField(max_length=100, allow_blank=True, default="")
    signed_on = serializers.DateField()


class CosignerInputSerializer(InputSerializer, CosignerSerializer):
    """A residents' representative co-signing the application; each name once per application."""

    signed_on = PastDateField()


class DrawSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    purpose = serializers.CharField()
    seed = serializers.CharField()
    algorithm = serializers.CharField()
    requested = serializers.IntegerField()
    pool_snapshot = serializers.JSONField()
    exclusions = serializers.JSONField()
    result = serializers.JSONField()
    drawn_at = serializers.DateTimeField()


class ApplicationDetailSerializer(ApplicationOutputSerializer):
    need_statement = serializers.CharField()
    target_groups = serializers.CharField()
    beneficiaries = serializers.IntegerField()
    service_period_months = serializers.IntegerField()
    applicant_organization = serializers.IntegerField(source="applicant_organization_id", allow_null=True)
    decision_reason = serializers.CharField()
    score_spread = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    budget_lines = BudgetLineSerializer(many=True, source="budget_lines.all")
    indicators = IndicatorSerializer(many=True, source="indicators.all")
    cosigners = CosignerSerializer(many=True, source="cosigners.all")
    draws = DrawSerializer(many=True, source="draws.all")


class ApplicationInputSerializer(serializers.Serializer):
    program = serializers.IntegerField(min_value=1)
    region = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200)
    need_statement = serializers.CharField(max_length=10000)
    target_groups = serializers.CharField(max_length=200)
    beneficiaries = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    service_period_months = serializers.IntegerField(min_value=1, max_value=36, default=12)
    budget_lines = BudgetLineSerializer(many=True, max_length=50)
    indicators = IndicatorSerializer(many=True, max_length=30)
    cosigners = CosignerInputSerializer(many=True, max_length=30, required=False, default=list)


class ApplicationUpdateInputSerializer(InputSerializer):
    """A change of a draft or returned application: only the fields sent change; a list sent replaces all its rows."""

    title = serializers.CharField(max_length=200, required=False)
    need_statement = serializers.CharField(max_length=10000, required=False)
    target_groups = serializers.CharField(max_length=200, required=False)
    beneficiaries = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    service_period_months = serializers.IntegerField(min_value=1, max_value=36, required=False)
    budget_lines = BudgetLineSerializer(many=True, max_length=50, required=False)
    indicators = IndicatorSerializer(many=True, max_length=30, required=False)
    cosigners = CosignerInputSerializer(many=True, max_length=30, required=False)


class DecisionInputSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[ApplicationStatus.APPROVED, ApplicationStatus.RETURNED,
                                          ApplicationStatus.REJECTED])
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    approved_amount = DecimalStringField(**MONEY, min_value=0, required=False, allow_null=True, default=None)


class StartReviewInputSerializer(serializers.Serializer):
    seed = serializers.RegexField(r"^[0-9A-Za-z_-]{8,64}$", required=False, allow_null=True, default=None)


class ExpertOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    title = serializers.CharField()
    affiliation = serializers.CharField()
    employer = serializers.IntegerField(source="employer_id", allow_null=True)
    region = serializers.IntegerField(source="region_id")
    fields = serializers.ListField(child=serializers.CharField())
    available = serializers.BooleanField()
    unavailable_until = serializers.DateField(allow_null=True)


EXPERT_VALUES = ("id", "name", "title", "affiliation", "employer_id", "region_id", "fields", "available",
                 "unavailable_until")


def expert_rows(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "name": r["name"], "title": r["title"], "affiliation": r["affiliation"],
             "employer": r["employer_id"], "region": r["region_id"], "fields": list(r["fields"] or []),
             "available": r["available"], "unavailable_until": date_out(r["unavailable_until"])} for r in rows]


class AssignmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    application_number = serializers.CharField(source="application.number")
    application_title = serializers.CharField(source="application.title")
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    weighted_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    assigned_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)


ASSIGNMENT_VALUES = ("id", "application_id", "application__number", "application__title", "status",
                     "weighted_score", "assigned_at", "submitted_at")


def assignment_rows(rows: list[dict]) -> list[dict]:
    statuses = choice_labels(AssignmentStatus)
    return [{"id": r["id"], "application": r["application_id"], "application_number": r["application__number"],
             "application_title": r["application__title"], "status": r["status"],
             "status_display": display(statuses, r["status"]), "weighted_score": decimal_out(r["weighted_score"], 2),
             "assigned_at": datetime_out(r["assigned_at"]), "submitted_at": datetime_out(r["submitted_at"])}
            for r in rows]


class ScoreInputSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(min_value=1)
    score = DecimalStringField(max_digits=7, decimal_places=2, min_value=0, allow_null=True)
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class ScoresInputSerializer(serializers.Serializer):
    scores = ScoreInputSerializer(many=True, max_length=30)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(default=False)


class RecuseInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class RankOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    rank = serializers.IntegerField()
    final_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    status = serializers.CharField()
