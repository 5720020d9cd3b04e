"""Project models in the tenant-aware admin (operators: all tenants; tenant admins: their own)."""

from django.contrib import admin

from governance.admin_base import TenantAwareAdmin
from orgs.admin import InlineTenantMixin, ParentPermissionInline
from projects.models import (
    Application,
    ApplicationAttachment,
    ApplicationCosigner,
    Award,
    Bid,
    BidAttachment,
    BidEvaluation,
    BudgetLine,
    Contract,
    ContractIndicator,
    Expert,
    ExpertRelation,
    FundingProgram,
    Indicator,
    PaymentTranche,
    ResidentConsultation,
    ReviewAssignment,
    ReviewCriterion,
    ReviewDraw,
    ReviewScore,
    ReviewTemplate,
    Tender,
)


def _inline(model_, fields_, **extra):
    attrs = {"model": model_, "extra": 0, "fields": fields_, **extra}
    return type(f"{model_.__name__}Inline", (ParentPermissionInline,), attrs)


@admin.register(ReviewTemplate)
class ReviewTemplateAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]
    inlines = [_inline(ReviewCriterion, ["position", "name", "weight", "min_score", "max_score", "guidance",
                                         "allow_not_applicable"])]


@admin.register(FundingProgram)
class FundingProgramAdmin(TenantAwareAdmin):
    list_display = ["name", "year", "kind", "status", "region", "budget_pool", "cap_per_application"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["name"]
    raw_id_fields = ["region", "review_template", "created_by"]
    list_select_related = ["region"]
    readonly_fields = ["created_at", "updated_at"]


@admin.register(Application)
class ApplicationAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["number", "title", "program", "region", "status", "requested_amount", "final_score", "rank"]
    list_filter = ["status", "spread_flagged"]
    search_fields = ["number", "title"]
    raw_id_fields = ["program", "region", "applicant_organization", "likely_bidders", "created_by"]
    list_select_related = ["program", "region"]
    readonly_fields = ["requested_amount", "final_score", "score_spread", "spread_flagged", "rank",
                       "created_at", "submitted_at", "updated_at"]
    inlines = [
        _inline(BudgetLine, ["category", "amount", "rationale"]),
        _inline(Indicator, ["position", "name", "kind", "unit", "baseline", "target", "weight", "direction",
                            "aggregation"]),
        _inline(ApplicationCosigner, ["name", "capacity", "signed_on"]),
        _inline(ApplicationAttachment, ["name", "file", "uploaded_by", "uploaded_at"],
                readonly_fields=["uploaded_by", "uploaded_at"]),
    ]
    show_full_result_count = False


@admin.register(ResidentConsultation)
class ResidentConsultationAdmin(TenantAwareAdmin):
    list_display = ["application", "held_on", "participants", "votes_for", "votes_against", "outcome"]
    raw_id_fields = ["application", "recorded_by"]
    list_select_related = ["application"]


@admin.register(Expert)
class ExpertAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["name", "title", "affiliation", "employer", "region", "available"]
    list_filter = ["available"]
    search_fields = ["name", "affiliation"]
    raw_id_fields = ["region", "user", "employer"]
    list_select_related = ["region", "employer"]
    inlines = [_inline(ExpertRelation, ["organization", "kind", "reason", "declared_on"],
                       raw_id_fields=["organization"])]


class ReadOnlyRecordAdmin(TenantAwareAdmin):
    """Draws and scores are evidence of the review: shown, never edited in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewDraw)
class ReviewDrawAdmin(ReadOnlyRecordAdmin):
    list_display = ["application", "round", "purpose", "seed", "requested", "drawn_at"]
    list_select_related = ["application"]
    raw_id_fields = ["application", "drawn_by"]


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(ReadOnlyRecordAdmin):
    list_display = ["application", "expert", "status", "weighted_score", "assigned_at", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["application", "expert"]
    raw_id_fields = ["application", "expert", "draw"]


@admin.register(ReviewScore)
class ReviewScoreAdmin(ReadOnlyRecordAdmin):
    list_display = ["assignment", "criterion", "score"]
    list_select_related = ["assignment__application", "assignment__expert", "criterion"]
    raw_id_fields = ["assignment", "criterion"]


@admin.register(Tender)
class TenderAdmin(TenantAwareAdmin):
    list_display = ["title", "ocid", "status", "region", "budget_amount", "bid_closes"]
    list_filter = ["status"]
    search_fields = ["title", "ocid"]
    raw_id_fields = ["application", "region", "created_by"]
    list_select_related = ["region"]


@admin.register(Bid)
class BidAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["tender", "organization", "status", "price", "submitted_at"]
    list_filter = ["status"]
    search_fields = ["organization__name", "tender__title"]
    raw_id_fields = ["tender", "organization", "submitted_by"]
    list_select_related = ["tender", "organization"]
    inlines = [_inline(BidAttachment, ["name", "file", "uploaded_at"], readonly_fields=["uploaded_at"])]


@admin.register(BidEvaluation)
class BidEvaluationAdmin(TenantAwareAdmin):
    list_display = ["bid", "evaluator", "expert", "quality_score", "price_score", "total_score"]
    raw_id_fields = ["bid", "evaluator", "expert"]
    list_select_related = ["bid__tender", "bid__organization"]


@admin.register(Award)
class AwardAdmin(TenantAwareAdmin):
    list_display = ["tender", "organization", "status", "amount", "standstill_ends", "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["tender", "bid", "organization", "decided_by"]
    list_select_related = ["tender", "organization"]


@admin.register(Contract)
class ContractAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["number", "title", "organization", "region", "amount", "start_date", "end_date", "status"]
    list_filter = ["status", "continuous_service"]
    search_fields = ["number", "title", "organization__name"]
    raw_id_fields = ["application", "award", "region", "organization", "prior_contract", "signed_by"]
    list_select_related = ["organization", "region"]
    inlines = [
        _inline(ContractIndicator, ["position", "name", "kind", "unit", "baseline", "target", "weight",
                                    "direction", "aggregation"]),
        _inline(PaymentTranche, ["sequence", "percentage", "due_date", "trigger", "depends_on", "status",
                                 "paid_on"], raw_id_fields=["depends_on"]),
    ]


# Resident satisfaction and progress reports register their admins in their own modules.
from projects import admin_ratings, admin_renewals, admin_reports  # noqa: E402,F401
