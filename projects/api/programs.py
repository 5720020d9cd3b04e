"""Program, review template, expert and consultation writes of the project API.

Thin: the inputs are strict JSON (``InputSerializer``), the writes are the services the staff pages call
(same rules, permissions, audit), and every object is reached through its selector (404 for another
tenant's or another jurisdiction's).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.fields import DecimalStringField
from governance.api.inputs import InputSerializer
from governance.exceptions import ApplicationError, ConflictError
from governance.selectors import region_get_for_user
from orgs.models import Conclusion, Grade, Organization, ServiceDomain
from projects import permissions, selectors, services
from projects.api import serializers as s
from projects.api import views
from projects.models import ProgramKind, ProgramStatus

MONEY = {"max_digits": 14, "decimal_places": 2}
POINTS = {"max_digits": 5, "decimal_places": 2}
ERRORS = views.ERRORS
# Eligibility rules (资格条件); "" means no rule. Named in ENUM_NAME_OVERRIDES (one schema enum each).
MIN_GRADE_CHOICES = [("", "—"), *Grade.choices]
MIN_CONCLUSION_CHOICES = [("", "—"), *Conclusion.choices]


# ---- programs ---------------------------------------------------------------------------------------------------

class ProgramUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ProgramKind.choices)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    description = serializers.CharField(max_length=10000, allow_blank=True)
    budget_pool = DecimalStringField(**MONEY, min_value=0)
    cap_per_application = DecimalStringField(**MONEY, min_value=0)
    application_opens = serializers.DateField()
    application_closes = serializers.DateField()
    review_opens = serializers.DateField()
    review_closes = serializers.DateField()
    review_template = serializers.IntegerField(min_value=1, allow_null=True)
    experts_per_application = serializers.IntegerField(min_value=1, max_value=15)
    spread_margin = DecimalStringField(**POINTS, min_value=0, max_value=100)
    pass_score = DecimalStringField(**POINTS, min_value=0, max_value=100)
    min_grade = serializers.ChoiceField(choices=MIN_GRADE_CHOICES)
    require_not_credit_listed = serializers.BooleanField()
    require_active = serializers.BooleanField()
    min_years_registered = serializers.IntegerField(min_value=0, max_value=50)
    min_last_conclusion = serializers.ChoiceField(choices=MIN_CONCLUSION_CHOICES)


class ProgramCreateInputSerializer(ProgramUpdateInputSerializer):
    region = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=[ProgramStatus.DRAFT, ProgramStatus.OPEN], default=ProgramStatus.DRAFT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        optional = {"description": "", "review_template": None, "experts_per_application": 5,
                    "spread_margin": Decimal("20"), "pass_score": Decimal("60"), "min_grade": "",
                    "require_not_credit_listed": True, "require_active": True, "min_years_registered": 0,
                    "min_last_conclusion": ""}
        for name, default in optional.items():
            self.fields[name].required = False
            self.fields[name].default = default


class ProgramTransitionInputSerializer(InputSerializer):
    to = serializers.ChoiceField(choices=ProgramStatus.choices)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


def _validated(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


def _new_in_region(serializer_class, request, allowed: bool):
    """The validated fields of a new object and the region it goes to (one of the user's, else 404)."""
    if not allowed:
        raise PermissionDenied
    fields = _validated(serializer_class, request)
    return region_get_for_user(user=request.user, pk=fields.pop("region")), fields


def _template(request, pk):
    if pk is None:
        return None
    template = selectors.review_template_list(user=request.user).filter(pk=pk).first()
    if template is None:
        raise ApplicationError(_("Unknown review template."), extra={"field": "review_template"})
    return template


def _program_out(request, pk, code=status.HTTP_200_OK):
    return Response(s.ProgramOutputSerializer(selectors.program_get_for_user(user=request.user, pk=pk)).data,
                    status=code)


@extend_schema(tags=["projects"])
class ProgramListView(views.ProgramListView):
    @extend_schema(request=ProgramCreateInputSerializer, responses={201: s.ProgramOutputSerializer, **ERRORS})
    def post(self, request):
        """Create a program (a draft, or open for applications at once) with its eligibility rules."""
        region, fields = _new_in_region(ProgramCreateInputSerializer, request,
                                        permissions.can_manage_programs(request.user))
        fields["review_template"] = _template(request, fields["review_template"])
        program = services.program_create(actor=request.user, region=region, **fields)
        return _program_out(request, program.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ProgramDetailView(views.ProgramDetailView):
    @extend_schema(request=ProgramUpdateInputSerializer, responses={200: s.ProgramOutputSerializer, **ERRORS})
    def patch(self, request, pk):
        """Change some of a program's fields (the status moves through ``transition/``)."""
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        if not permissions.can_edit_program(request.user, program):
            raise PermissionDenied
        fields = _validated(ProgramUpdateInputSerializer, request, partial=True)
        if "review_template" in fields:
            fields["review_template"] = _template(request, fields["review_template"])
        services.program_update(actor=request.user, program=program, **fields)
        return _program_out(request, pk)


@extend_schema(tags=["projects"])
class ProgramTransitionView(APIView):
    @extend_schema(request=ProgramTransitionInputSerializer, responses={200: s.ProgramOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Move the program one step: draft → open → reviewing → closed (closing before review needs a note)."""
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        data = _validated(ProgramTransitionInputSerializer, request)
        services.program_transition(actor=request.user, program=program, to=data["to"], note=data["note"])
        return _program_out(request, pk)


# ---- review templates -----------------------------------------------------------------------------------------

class CriterionInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    weight = DecimalStringField(**POINTS, min_value=0)
    min_score = DecimalStringField(max_digits=7, decimal_places=2, min_value=0, required=False, default="0")
    max_score = DecimalStringField(max_digits=7, decimal_places=2, min_value=0, required=False, default="10")
    guidance = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    allow_not_applicable = serializers.BooleanField(required=False, default=True)


class TemplateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    criteria = CriterionInputSerializer(many=True, max_length=30)


class CriterionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    weight = serializers.DecimalField(**POINTS)
    min_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    guidance = serializers.CharField()
    allow_not_applicable = serializers.BooleanField()


class TemplateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    in_use = serializers.BooleanField(help_text="Experts were drawn with it: its criteria can no longer change.")
    criteria = CriterionOutputSerializer(many=True)


def _template_out(request, pk, code=status.HTTP_200_OK):
    template = selectors.review_template_get_for_user(user=request.user, pk=pk)
    return Response(TemplateOutputSerializer(template).data, status=code)


def _template_save(request, data, template=None):
    try:
        with transaction.atomic():  # a parallel save of the same name meets the unique constraint
            return services.review_template_save(
                actor=request.user, template=template, name=data["name"], description=data["description"],
                criteria=[dict(row) for row in data["criteria"]])
    except IntegrityError as exc:
        raise ConflictError(_("A review template of this name already exists."), extra={"field": "name"}) from exc


@extend_schema(tags=["projects"])
class TemplateListView(APIView):
    @extend_schema(responses={200: TemplateOutputSerializer(many=True), **ERRORS})
    def get(self, request):
        """The review templates with their criteria."""
        if not permissions.can_view_projects(request.user):
            raise PermissionDenied
        templates = selectors.review_template_list(user=request.user)
        return Response(TemplateOutputSerializer(templates, many=True).data)

    @extend_schema(request=TemplateInputSerializer, responses={201: TemplateOutputSerializer, **ERRORS})
    def post(self, request):
        """Create a template: criteria weights sum to 100, each score range from low to high."""
        if not permissions.can_manage_programs(request.user):
            raise PermissionDenied
        template = _template_save(request, _validated(TemplateInputSerializer, request))
        return _template_out(request, template.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class TemplateDetailView(APIView):
    @extend_schema(responses={200: TemplateOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return _template_out(request, pk)

    @extend_schema(request=TemplateInputSerializer, responses={200: TemplateOutputSerializer, **ERRORS})
    def put(self, request, pk):
        """Replace the name and the criteria; refused once experts were drawn with it (copy it instead)."""
        template = selectors.review_template_get_for_user(user=request.user, pk=pk)
        if not permissions.can_manage_programs(request.user):
            raise PermissionDenied
        _template_save(request, _validated(TemplateInputSerializer, request), template)
        return _template_out(request, pk)


# ---- experts ----------------------------------------------------------------------------------------------------

class ExpertUpdateInputSerializer(InputSerializer):
    name = serializers.CharField(max_length=50)
    title = serializers.CharField(max_length=100, allow_blank=True)
    affiliation = serializers.CharField(max_length=200, allow_blank=True)
    employer = serializers.IntegerField(min_value=1, allow_null=True)
    fields = serializers.ListField(child=serializers.ChoiceField(choices=ServiceDomain.choices), max_length=20)
    phone = serializers.CharField(max_length=30, allow_blank=True)
    email = serializers.EmailField(allow_blank=True)
    available = serializers.BooleanField()
    unavailable_until = serializers.DateField(allow_null=True)
    note = serializers.CharField(max_length=2000, allow_blank=True)


class ExpertCreateInputSerializer(ExpertUpdateInputSerializer):
    region = serializers.IntegerField(min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title", "affiliation", "employer", "fields", "phone", "email", "available", "unavailable_until",
                     "note"):
            self.fields[name].required = False  # left out: the model's default


def _expert_fields(fields: dict) -> dict:
    if fields.get("employer") is not None:
        employer = Organization.objects.filter(pk=fields["employer"]).first()
        if employer is None:
            raise ApplicationError(_("Unknown employer organization."), extra={"field": "employer"})
        fields["employer"] = employer
    return fields


def _expert_out(request, pk, code=status.HTTP_200_OK):
    return Response(s.ExpertOutputSerializer(selectors.expert_get_for_user(user=request.user, pk=pk)).data,
                    status=code)


@extend_schema(tags=["projects"])
class ExpertListView(views.ExpertListView):
    @extend_schema(request=ExpertCreateInputSerializer, responses={201: s.ExpertOutputSerializer, **ERRORS})
    def post(self, request):
        """Add an expert to the pool of a region in your jurisdiction."""
        region, fields = _new_in_region(ExpertCreateInputSerializer, request,
                                        permissions.can_manage_experts(request.user))
        expert = services.expert_create(actor=request.user, region=region, **_expert_fields(fields))
        return _expert_out(request, expert.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ExpertDetailView(views.ExpertDetailView):
    @extend_schema(request=ExpertUpdateInputSerializer, responses={200: s.ExpertOutputSerializer, **ERRORS})
    def patch(self, request, pk):
        """Change an expert's fields, affiliation, employer or availability."""
        expert = selectors.expert_get_for_user(user=request.user, pk=pk)
        if not permissions.can_edit_expert(request.user, expert):
            raise PermissionDenied
        fields = _validated(ExpertUpdateInputSerializer, request, partial=True)
        services.expert_update(actor=request.user, expert=expert, **_expert_fields(fields))
        return _expert_out(request, pk)


# ---- residents' consultations (社区自治金) ------------------------------------------------------------------------

class ConsultationInputSerializer(InputSerializer):
    held_on = serializers.DateField()
    venue = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    meeting_reference = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    participants = serializers.IntegerField(min_value=1, max_value=1_000_000)
    votes_for = serializers.IntegerField(min_value=0, max_value=1_000_000)
    votes_against = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    votes_abstain = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=0)
    minutes = serializers.CharField(max_length=10000)


@extend_schema(tags=["projects"])
class ApplicationConsultationView(APIView):
    @extend_schema(request=ConsultationInputSerializer, responses={200: s.ApplicationDetailSerializer, **ERRORS})
    def post(self, request, pk):
        """Record the residents' consultation of a 社区自治金 application: its vote decides the application."""
        application = selectors.application_get_for_user(user=request.user, pk=pk)
        fields = _validated(ConsultationInputSerializer, request)
        try:
            with transaction.atomic():  # a parallel second record meets the one-per-application constraint
                services.consultation_record(actor=request.user, application=application, **fields)
        except IntegrityError as exc:
            raise ConflictError(_("This application's consultation is already recorded.")) from exc
        return Response(s.ApplicationDetailSerializer(
            selectors.application_get_for_user(user=request.user, pk=pk)).data)


