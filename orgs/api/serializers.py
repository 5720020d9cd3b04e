"""Explicit input and output serializers of the registry API."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers

from governance.api.fields import DecimalStringField, PastDateField
from governance.api.filtering import MAX_ID
from governance.api.inputs import InputSerializer
from orgs.models import (
    ABNORMAL_REASONS,
    SERIOUS_REASONS,
    AnnualReport,
    Conclusion,
    CreditExitApplication,
    CreditList,
    CreditReason,
    CreditRecord,
    EvaluationGrade,
    Filing,
    FilingStatus,
    FundingSource,
    Organization,
    OrgKind,
    OrgStatus,
    ServiceDomain,
)
from orgs.permissions import contact_phone_for
from orgs.services import MANUAL_STATUSES
from orgs.workflows import FILING_WORKFLOW

MAX_COUNT = 2_147_483_647  # the model's integer column: the document states the bound it enforces

# Input enums list only what the services accept, so the OpenAPI document promises no refused value.
MANUAL_STATUS_CHOICES = [(status, OrgStatus(status).label) for status in MANUAL_STATUSES]
FILING_TARGET_CHOICES = [
    (status, label) for status, label in FilingStatus.choices
    if any(status in targets for targets in FILING_WORKFLOW.transitions.values())
]


class OrganizationOutputSerializer(serializers.ModelSerializer):
    # Declared, so DRF does not build unique validators (and their querysets) for read-only output.
    uscc = serializers.CharField(read_only=True, allow_null=True)
    filing_number = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display")
    status_display = serializers.CharField(source="get_status_display")
    region_name = serializers.CharField(source="region.name")
    region_code = serializers.CharField(source="region.code")
    domains = serializers.SerializerMethodField()
    current_grade = serializers.CharField(allow_null=True, read_only=True, default=None)
    credit_list = serializers.CharField(allow_null=True, read_only=True, default=None)
    # Not EmailField: the address is optional, and "" is no ``format: email`` (the OpenAPI document must
    # describe what is really sent).
    email = serializers.CharField(read_only=True, help_text=_("email address, or empty"))
    contact_phone = serializers.SerializerMethodField(help_text=_(
        "In full for staff who maintain the organization and for its own users; masked (138****5678) for "
        "read-only roles."))

    class Meta:
        model = Organization
        fields = [
            "id", "name", "kind", "kind_display", "uscc", "filing_number", "status", "status_display",
            "region", "region_name", "region_code", "legal_representative", "contact_person", "contact_phone",
            "email", "address", "established_date", "registered_date", "supervising_unit", "staff_fulltime",
            "staff_social_workers", "retired_cadre_leaders", "volunteers", "funding_sources", "party_coverage",
            "domains", "current_grade", "credit_list", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_domains(self, obj) -> list[str]:
        return [d.domain for d in obj.domains.all()]

    def get_contact_phone(self, obj) -> str:
        return contact_phone_for(getattr(self.context.get("request"), "user", None), obj)


class OrganizationInputSerializer(InputSerializer):
    """Fields a staff member may set; identity rules are checked by the service (GB 32100)."""

    region = serializers.IntegerField(label=_("region id"), min_value=1, max_value=MAX_ID)
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=OrgKind.choices)
    uscc = serializers.CharField(max_length=18, required=False, allow_blank=True, allow_null=True)
    filing_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    legal_representative = serializers.CharField(max_length=50)
    contact_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    established_date = PastDateField(required=False, allow_null=True)
    registered_date = PastDateField(required=False, allow_null=True)
    supervising_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # Only the statuses the service accepts (pending/rejected belong to the filing workflow).
    status = serializers.ChoiceField(choices=MANUAL_STATUS_CHOICES, required=False)
    staff_fulltime = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    staff_social_workers = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    retired_cadre_leaders = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    volunteers = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    funding_sources = serializers.ListField(child=serializers.ChoiceField(choices=FundingSource.choices),
                                            required=False)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=ServiceDomain.choices), required=False)


class OrganizationUpdateSerializer(OrganizationInputSerializer):
    """Partial updates: every field optional; organization users may send only portal fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("status")  # status changes need a reason: POST …/status/
        for field in self.fields.values():
            field.required = False


class StatusInputSerializer(InputSerializer):
    status = serializers.ChoiceField(choices=MANUAL_STATUS_CHOICES)
    note = serializers.CharField()


class PortalUpdateResultSerializer(serializers.Serializer):
    organization = OrganizationOutputSerializer()
    change_request_id = serializers.IntegerField(allow_null=True)
    pending_changes = serializers.DictField()


class AnnualReportOutputSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    conclusion_display = serializers.CharField(source="get_conclusion_display")
    # "" until the report is reviewed: documented as part of the enum.
    conclusion = serializers.ChoiceField(choices=Conclusion.choices, allow_blank=True, read_only=True)
    total_income = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = [
            "id", "organization", "year", "due_date", "status", "status_display", "income_government",
            "income_donations", "income_dues", "income_services", "income_other", "total_income", "spending",
            "net_assets", "activities_summary", "party_building_report", "submitted_at", "conclusion",
            "conclusion_display", "review_note", "reviewed_at", "attachments",
        ]
        read_only_fields = fields

    def get_attachments(self, obj) -> list[dict]:
        return [{"id": a.pk, "name": a.name} for a in obj.attachments.all()]


class AnnualReportInputSerializer(InputSerializer):
    income_government = DecimalStringField(max_digits=14, decimal_places=2, min_value=0, required=False)
    income_donations = DecimalStringField(max_digits=14, decimal_places=2, min_value=0, required=False)
    income_dues = DecimalStringField(max_digits=14, decimal_places=2, min_value=0, required=False)
    income_services = DecimalStringField(max_digits=14, decimal_places=2, min_value=0, required=False)
    income_other = DecimalStringField(max_digits=14, decimal_places=2, min_value=0, required=False)
    spending = DecimalStringField(max_digits=14, decimal_places=2, min_value=0, required=False)
    net_assets = DecimalStringField(max_digits=14, decimal_places=2, required=False)
    activities_summary = serializers.CharField(required=False, allow_blank=True)
    party_building_report = serializers.CharField(required=False, allow_blank=True)


class ReviewInputSerializer(InputSerializer):
    conclusion = serializers.ChoiceField(choices=Conclusion.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteInputSerializer(InputSerializer):
    """Returning a report for correction needs the reason (the workflow refuses an empty one)."""

    note = serializers.CharField()


class GradeOutputSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = EvaluationGrade
        fields = ["id", "grade", "score", "awarded_date", "expires_date", "status", "status_display",
                  "expiry_flagged_on", "note"]
        read_only_fields = fields


class GradeInputSerializer(InputSerializer):
    score = serializers.IntegerField(min_value=0, max_value=1000)
    awarded_date = PastDateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CreditRecordOutputSerializer(serializers.ModelSerializer):
    list_display = serializers.CharField(source="get_list_type_display")
    reason_display = serializers.CharField(source="get_reason_display")
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = CreditRecord
        fields = ["id", "list_type", "list_display", "reason", "reason_display", "source", "listed_on",
                  "decision_number", "note", "annual_report", "rectification_applied_on",
                  "rectification_verified_on", "removed_on", "removal_reason", "moved_to", "is_active"]
        read_only_fields = fields


class CreditRecordInputSerializer(InputSerializer):
    list_type = serializers.ChoiceField(choices=CreditList.choices)
    reason = serializers.ChoiceField(choices=CreditReason.choices)
    listed_on = PastDateField()
    decision_number = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


# Which reasons lead to which list (MCA Order 60): documented as one variant per list, so the OpenAPI
# document does not offer a combination the service refuses.
ABNORMAL_LIST_CHOICES = [(CreditList.ABNORMAL.value, CreditList.ABNORMAL.label)]
SERIOUS_LIST_CHOICES = [(CreditList.SERIOUS.value, CreditList.SERIOUS.label)]
ABNORMAL_REASON_CHOICES = [(value, label) for value, label in CreditReason.choices if value in ABNORMAL_REASONS]
SERIOUS_REASON_CHOICES = [(value, label) for value, label in CreditReason.choices if value in SERIOUS_REASONS]


class AbnormalCreditInputSerializer(CreditRecordInputSerializer):
    list_type = serializers.ChoiceField(choices=ABNORMAL_LIST_CHOICES)
    reason = serializers.ChoiceField(choices=ABNORMAL_REASON_CHOICES)


class SeriousCreditInputSerializer(CreditRecordInputSerializer):
    list_type = serializers.ChoiceField(choices=SERIOUS_LIST_CHOICES)
    reason = serializers.ChoiceField(choices=SERIOUS_REASON_CHOICES)


CREDIT_RECORD_INPUT_SCHEMA = PolymorphicProxySerializer(
    component_name="CreditRecordInput",
    serializers=[AbnormalCreditInputSerializer, SeriousCreditInputSerializer],
    resource_type_field_name=None,
)


class FilingOutputSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")
    organization = OrganizationOutputSerializer()

    class Meta:
        model = Filing
        fields = ["id", "status", "status_display", "submitted_at", "decided_at", "rejection_reason",
                  "organization"]
        read_only_fields = fields


class FilingInputSerializer(InputSerializer):
    region = serializers.IntegerField(label=_("region id"), min_value=1, max_value=MAX_ID)
    name = serializers.CharField(max_length=200)
    legal_representative = serializers.CharField(max_length=50, label=_("person in charge"))
    contact_person = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    established_date = PastDateField(required=False, allow_null=True)
    supervising_unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    volunteers = serializers.IntegerField(min_value=0, max_value=MAX_COUNT, required=False)
    domains = serializers.ListField(child=serializers.ChoiceField(choices=ServiceDomain.choices), required=False)


class TransitionInputSerializer(InputSerializer):
    to = serializers.ChoiceField(choices=FILING_TARGET_CHOICES)
    note = serializers.CharField(required=False, allow_blank=True, default="")


FILING_APPROVAL_CHOICES = [(value, label) for value, label in FILING_TARGET_CHOICES
                           if value not in FILING_WORKFLOW.note_required]
FILING_REASONED_CHOICES = [(value, label) for value, label in FILING_TARGET_CHOICES
                           if value in FILING_WORKFLOW.note_required]


class FilingApprovalInputSerializer(TransitionInputSerializer):
    to = serializers.ChoiceField(choices=FILING_APPROVAL_CHOICES)


class FilingReasonedInputSerializer(TransitionInputSerializer):
    """A rejection states its reason."""

    to = serializers.ChoiceField(choices=FILING_REASONED_CHOICES)
    note = serializers.CharField()


TRANSITION_INPUT_SCHEMA = PolymorphicProxySerializer(
    component_name="TransitionInput",
    serializers=[FilingApprovalInputSerializer, FilingReasonedInputSerializer],
    resource_type_field_name=None,
)


class CreditExitOutputSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = CreditExitApplication
        fields = ["id", "organization", "record", "status", "status_display", "statement", "applied_on",
                  "applied_at", "decided_at", "decision_note"]
        read_only_fields = fields


class CreditExitInputSerializer(InputSerializer):
    """Apply today to leave the serious list for one open serious-list entry of the organization."""

    record = serializers.IntegerField(label=_("credit record id"), min_value=1, max_value=MAX_ID)
    statement = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


CREDIT_EXIT_DECISIONS = [("approve", _("Approve")), ("reject", _("Refuse"))]


class CreditExitDecideInputSerializer(InputSerializer):
    decision = serializers.ChoiceField(choices=CREDIT_EXIT_DECISIONS)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CreditExitApproveInputSerializer(CreditExitDecideInputSerializer):
    decision = serializers.ChoiceField(choices=CREDIT_EXIT_DECISIONS[:1])


class CreditExitRefuseInputSerializer(CreditExitDecideInputSerializer):
    """A refusal states its reason (the organization sees it)."""

    decision = serializers.ChoiceField(choices=CREDIT_EXIT_DECISIONS[1:])
    note = serializers.CharField(max_length=2000)


CREDIT_EXIT_DECIDE_SCHEMA = PolymorphicProxySerializer(
    component_name="CreditExitDecideInput",
    serializers=[CreditExitApproveInputSerializer, CreditExitRefuseInputSerializer],
    resource_type_field_name=None,
)


class ChoiceCountSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class StatsOutputSerializer(serializers.Serializer):
    """What ``orgs.selectors.organization_stats`` returns (a test compares the keys)."""

    total = serializers.IntegerField()
    region = serializers.IntegerField(allow_null=True, help_text=_("the region id asked for, or null"))
    by_kind = ChoiceCountSerializer(many=True)
    by_domain = ChoiceCountSerializer(many=True)
    by_status = ChoiceCountSerializer(many=True)
    by_grade = ChoiceCountSerializer(many=True)
    by_credit_list = ChoiceCountSerializer(many=True)
