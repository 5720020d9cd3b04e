"""Resident satisfaction in the tenant-aware admin. Responses, answers and one-time codes are evidence for the
evaluation: the admin shows them read-only (they are written only by the services, which audit them)."""

from django.contrib import admin

from governance.admin_base import TenantAwareAdmin
from orgs.admin import InlineTenantMixin, ParentPermissionInline
from projects.models.ratings import (
    DefaultRatingQuestion,
    RatingAnswer,
    RatingCode,
    RatingQuestion,
    RatingResponse,
    RatingSurvey,
)


class ReadOnlyAdmin(TenantAwareAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RatingQuestionInline(ParentPermissionInline):
    model = RatingQuestion
    extra = 0
    fields = ["position", "text"]


class RatingAnswerInline(admin.TabularInline):
    model = RatingAnswer
    extra = 0
    fields = ["question", "stars"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[RatingResponse].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DefaultRatingQuestion)
class DefaultRatingQuestionAdmin(TenantAwareAdmin):
    list_display = ["position", "text"]


@admin.register(RatingSurvey)
class RatingSurveyAdmin(InlineTenantMixin, TenantAwareAdmin):
    list_display = ["contract", "code", "is_open", "allow_open_answers", "created_at"]
    list_filter = ["is_open", "allow_open_answers"]
    search_fields = ["contract__number", "contract__title", "code"]
    raw_id_fields = ["contract", "created_by"]
    readonly_fields = ["code"]
    list_select_related = ["contract"]
    inlines = [RatingQuestionInline]

    def has_add_permission(self, request):
        return False  # opened from the contract's satisfaction page (short link, questions, audit)


@admin.register(RatingCode)
class RatingCodeAdmin(ReadOnlyAdmin):
    list_display = ["code", "survey", "batch", "label", "used_at"]
    list_filter = ["batch"]
    search_fields = ["code", "label"]
    list_select_related = ["survey__contract"]


@admin.register(RatingResponse)
class RatingResponseAdmin(ReadOnlyAdmin):
    list_display = ["survey", "channel", "rated_on", "entered_by", "created_at"]
    list_filter = ["channel", "rated_on"]
    list_select_related = ["survey__contract", "entered_by"]
    inlines = [RatingAnswerInline]
