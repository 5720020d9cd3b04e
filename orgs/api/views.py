"""Registry API: thin views over orgs.selectors and orgs.services."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import MAX_ID, SelectorFilterBackend
from governance.api.lists import FastListMixin
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from governance.selectors import region_get_for_user
from orgs import permissions, selectors, services
from orgs.api import rows
from orgs.api import serializers as s
from orgs.filters import FilingFilter, OrganizationFilter, StatsFilter
from orgs.models import (
    AnnualReport,
    CreditExitApplication,
    CreditRecord,
    EvaluationGrade,
    Filing,
    Organization,
    ReportAttachment,
)

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer}


def _organization(request, pk) -> Organization:
    return selectors.organization_get_for_user(user=request.user, pk=pk)


@extend_schema(tags=["orgs"])
class OrganizationListCreateView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Organizations in your jurisdiction (organization users: only their own)."""

    model = Organization
    serializer_class = s.OrganizationOutputSerializer
    list_values = rows.organization_values()
    filterset_class = OrganizationFilter
    filter_backends = [SelectorFilterBackend]

    def get_scoped_queryset(self):
        filters = SelectorFilterBackend.cleaned_filters(self.request, OrganizationFilter)
        return selectors.organization_list(user=self.request.user, filters=filters)

    def list_rows(self, page):
        return rows.organization_rows(page, user=self.request.user)

    @extend_schema(request=s.OrganizationInputSerializer, responses={201: s.OrganizationOutputSerializer, **ERRORS})
    def post(self, request):
        if not permissions.can_create_org(request.user):
            raise PermissionDenied
        data = s.OrganizationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        region = region_get_for_user(user=request.user, pk=fields.pop("region"))
        domains = fields.pop("domains", [])
        organization = services.organization_create(actor=request.user, region=region, domains=domains, **fields)
        organization = selectors.organization_get_for_user(user=request.user, pk=organization.pk)
        return Response(s.OrganizationOutputSerializer(organization, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["orgs"])
class OrganizationDetailView(APIView):
    @extend_schema(responses={200: s.OrganizationOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(s.OrganizationOutputSerializer(_organization(request, pk), context={"request": request}).data)

    @extend_schema(request=s.OrganizationUpdateSerializer,
                   responses={200: s.PortalUpdateResultSerializer, **ERRORS})
    def patch(self, request, pk):
        """Staff update any field; organization users update portal fields, key fields go to approval."""
        organization = _organization(request, pk)
        data = s.OrganizationUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        domains = fields.pop("domains", None)
        change_request = None
        if permissions.can_edit_org(request.user, organization):
            if "region" in fields:
                fields["region"] = region_get_for_user(user=request.user, pk=fields["region"])
            services.organization_update(actor=request.user, organization=organization, domains=domains, **fields)
        elif permissions.is_org_user(request.user):
            _org, change_request = services.portal_update(actor=request.user, organization=organization,
                                                          domains=domains, **fields)
        else:
            raise PermissionDenied
        organization = _organization(request, pk)
        return Response({
            "organization": s.OrganizationOutputSerializer(organization, context={"request": request}).data,
            "change_request_id": change_request.pk if change_request else None,
            "pending_changes": change_request.changes if change_request else {},
        })


@extend_schema(tags=["orgs"])
class OrganizationStatusView(APIView):
    @extend_schema(request=s.StatusInputSerializer, responses={200: s.OrganizationOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Change the registration status (suspend, deregister, revoke…) with a reason."""
        organization = _organization(request, pk)
        if not permissions.can_change_org_status(request.user, organization):
            raise PermissionDenied  # a registered organization's status is the registration authority's
        data = s.StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.organization_set_status(actor=request.user, organization=organization, **data.validated_data)
        return Response(s.OrganizationOutputSerializer(_organization(request, pk), context={"request": request}).data)


@extend_schema(tags=["orgs"], responses={200: s.StatsOutputSerializer, **ERRORS}, parameters=[
    OpenApiParameter("region", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                     description="region id (subtree)")])
class OrganizationStatsView(APIView):
    def get(self, request):
        filters = SelectorFilterBackend.cleaned_filters(request, StatsFilter)
        region = region_get_for_user(user=request.user, pk=filters["region"]) if "region" in filters else None
        return Response(selectors.organization_stats(user=request.user, region=region))


@extend_schema(tags=["orgs"])
class InspectionListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Annual reports (年检/年报) of one organization."""

    model = AnnualReport
    serializer_class = s.AnnualReportOutputSerializer
    filter_backends: list = []
    list_values = rows.REPORT_VALUES
    list_rows = staticmethod(rows.annual_report_rows)

    def get_scoped_queryset(self):
        organization = _organization(self.request, self.kwargs["pk"])
        return (AnnualReport.objects.filter(organization=organization)
                .prefetch_related(Prefetch("attachments", queryset=ReportAttachment.objects.order_by("id")))
                .order_by("-year"))


def _report(request, pk, report_id) -> AnnualReport:
    organization = _organization(request, pk)
    return get_object_or_404(AnnualReport.objects.filter(organization=organization), pk=report_id)


@extend_schema(tags=["orgs"])
class InspectionDetailView(APIView):
    @extend_schema(responses={200: s.AnnualReportOutputSerializer, **ERRORS})
    def get(self, request, pk, report_id):
        return Response(s.AnnualReportOutputSerializer(_report(request, pk, report_id)).data)

    @extend_schema(request=s.AnnualReportInputSerializer, responses={200: s.AnnualReportOutputSerializer, **ERRORS})
    def patch(self, request, pk, report_id):
        report = _report(request, pk, report_id)
        data = s.AnnualReportInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.annual_report_save(actor=request.user, report=report, **data.validated_data)
        return Response(s.AnnualReportOutputSerializer(_report(request, pk, report_id)).data)


class _InspectionActionSchema(AutoSchema):
    """One view serves three URLs (``action_name``): each documents the body it really reads."""

    def get_request_serializer(self):
        return {"return": s.NoteInputSerializer, "review": s.ReviewInputSerializer}.get(self.view.action_name)


@extend_schema(tags=["orgs"])
class InspectionActionView(APIView):
    """POST …/submit/ (organization, no body), …/return/ (staff, with the reason) and …/review/ (staff)."""

    action_name = ""
    schema = _InspectionActionSchema()

    @extend_schema(responses={200: s.AnnualReportOutputSerializer, **ERRORS})
    def post(self, request, pk, report_id):
        report = _report(request, pk, report_id)
        if self.action_name == "submit":
            services.annual_report_submit(actor=request.user, report=report)
        elif self.action_name == "return":
            data = s.NoteInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.annual_report_return(actor=request.user, report=report, note=data.validated_data["note"])
        else:
            data = s.ReviewInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            services.annual_report_review(actor=request.user, report=report, **data.validated_data)
        return Response(s.AnnualReportOutputSerializer(_report(request, pk, report_id)).data)


@extend_schema(tags=["orgs"])
class GradeListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Evaluation grades (等级评估) of one organization; staff may award a new one."""

    model = EvaluationGrade
    serializer_class = s.GradeOutputSerializer
    filter_backends: list = []
    list_values = rows.GRADE_VALUES
    list_rows = staticmethod(rows.grade_rows)

    def get_scoped_queryset(self):
        organization = _organization(self.request, self.kwargs["pk"])
        return EvaluationGrade.objects.filter(organization=organization).order_by("-awarded_date", "-id")

    @extend_schema(request=s.GradeInputSerializer, responses={201: s.GradeOutputSerializer, **ERRORS})
    def post(self, request, pk):
        organization = _organization(request, pk)
        data = s.GradeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        grade = services.grade_award(actor=request.user, organization=organization, **data.validated_data)
        return Response(s.GradeOutputSerializer(grade).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["orgs"])
class CreditRecordListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Credit-list entries (信用记录) of one organization; staff may add one manually."""

    model = CreditRecord
    serializer_class = s.CreditRecordOutputSerializer
    filter_backends: list = []
    list_values = rows.CREDIT_RECORD_VALUES
    list_rows = staticmethod(rows.credit_record_rows)

    def get_scoped_queryset(self):
        organization = _organization(self.request, self.kwargs["pk"])
        return CreditRecord.objects.filter(organization=organization).order_by("-listed_on", "-id")

    @extend_schema(request=s.CREDIT_RECORD_INPUT_SCHEMA, responses={201: s.CreditRecordOutputSerializer, **ERRORS})
    def post(self, request, pk):
        organization = _organization(request, pk)
        data = s.CreditRecordInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = services.credit_add(actor=request.user, organization=organization, **data.validated_data)
        return Response(s.CreditRecordOutputSerializer(record).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["orgs"])
class CreditExitListView(SchemaSafeMixin, generics.ListAPIView):
    """Applications to leave the serious dishonesty list (移出严重违法失信名单申请) of one organization."""

    model = CreditExitApplication
    serializer_class = s.CreditExitOutputSerializer
    filter_backends: list = []

    def get_scoped_queryset(self):
        organization = _organization(self.request, self.kwargs["pk"])
        return selectors.credit_exit_application_list(user=self.request.user, organization=organization)

    @extend_schema(request=s.CreditExitInputSerializer, responses={201: s.CreditExitOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Apply (today) for one open serious-list entry; a refusal (409) says why (``extra.earliest``: the date
        it becomes possible; ``extra.unfulfilled``: the moved entries whose obligation is outstanding)."""
        organization = _organization(request, pk)
        data = s.CreditExitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        record = get_object_or_404(CreditRecord.objects.filter(organization=organization),
                                   pk=data.validated_data["record"])
        if not permissions.can_apply_credit_exit(request.user, record):
            raise PermissionDenied  # read-only staff see the entry but do not apply
        application = services.credit_exit_apply(actor=request.user, record=record,
                                                 statement=data.validated_data["statement"])
        return Response(s.CreditExitOutputSerializer(application).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["orgs"])
class CreditExitDecideView(APIView):
    @extend_schema(request=s.CREDIT_EXIT_DECIDE_SCHEMA, responses={200: s.CreditExitOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Staff approve (the entry is removed today) or refuse with a reason."""
        application = selectors.credit_exit_application_get_for_user(user=request.user, pk=pk)
        if not permissions.can_decide_credit_exit(request.user, application):
            raise PermissionDenied  # the organization sees its application but does not decide it
        data = s.CreditExitDecideInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.credit_exit_decide(actor=request.user, application=application,
                                    approve=data.validated_data["decision"] == "approve",
                                    note=data.validated_data["note"])
        application = selectors.credit_exit_application_get_for_user(user=request.user, pk=pk)
        return Response(s.CreditExitOutputSerializer(application).data)


@extend_schema(tags=["orgs"])
class FilingListCreateView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Filing applications (备案) of community groups."""

    model = Filing
    serializer_class = s.FilingOutputSerializer
    filterset_class = FilingFilter
    filter_backends = [SelectorFilterBackend]
    list_values = rows.FILING_VALUES

    def list_rows(self, page):
        return rows.filing_rows(page, user=self.request.user)

    def get_scoped_queryset(self):
        filters = SelectorFilterBackend.cleaned_filters(self.request, FilingFilter)
        return selectors.filing_list(user=self.request.user, status=filters.get("status")).prefetch_related("organization__domains")

    @extend_schema(request=s.FilingInputSerializer, responses={201: s.FilingOutputSerializer, **ERRORS})
    def post(self, request):
        if not permissions.can_submit_filing(request.user):
            raise PermissionDenied
        data = s.FilingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        region = region_get_for_user(user=request.user, pk=fields.pop("region"))
        filing = services.filing_submit(actor=request.user, region=region, domains=fields.pop("domains", []),
                                        **fields)
        filing = selectors.filing_get_for_user(user=request.user, pk=filing.pk)
        return Response(s.FilingOutputSerializer(filing, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["orgs"])
class FilingTransitionView(APIView):
    @extend_schema(request=s.TRANSITION_INPUT_SCHEMA, responses={200: s.FilingOutputSerializer, **ERRORS})
    def post(self, request, pk):
        filing = selectors.filing_get_for_user(user=request.user, pk=pk)
        data = s.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.filing_transition(actor=request.user, filing=filing, **data.validated_data)
        filing = selectors.filing_get_for_user(user=request.user, pk=pk)
        return Response(s.FilingOutputSerializer(filing, context={"request": request}).data)
