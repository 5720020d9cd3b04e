"""API of progress reports: staff list, detail, review, a contract's schedule, spending and tranche releases;
the organization portal's reports (fill in, submit). Explicit serializers, thin views over
``projects.selectors_reports`` and ``projects.services.reports``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.lists import FastListMixin, date_out
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from governance.selectors import get_object_for_user_or_404
from orgs.permissions import is_org_user
from projects import selectors_reports, selectors_tenders
from projects.models import ProgressReport, ReportKind, ReportStatus
from projects.permissions_tenders import can_view_tenders
from projects.services import reports as services

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}
NUMBER = {"max_digits": 14, "decimal_places": 2}
TAGS = ["projects"]


class ReportFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, max_length=100, allow_blank=True, label=_("Search"))
    status = serializers.ChoiceField(choices=ReportStatus.choices, required=False, label=_("Status"))
    contract = serializers.IntegerField(required=False, min_value=1, max_value=2**62, label=_("Contract"))
    overdue = serializers.BooleanField(required=False, default=False, label=_("Overdue only"))


class ReportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    contract = serializers.IntegerField(source="contract_id")
    contract_number = serializers.CharField(source="contract.number")
    organization_name = serializers.CharField(source="contract.organization.name")
    sequence = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ReportKind.choices)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_date = serializers.DateField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    status_display = serializers.CharField(source="get_status_display")
    overdue = serializers.BooleanField()
    tranche = serializers.IntegerField(source="tranche_id", allow_null=True)


class ActualSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(min_value=1)
    value = serializers.DecimalField(**NUMBER, required=False, allow_null=True)
    numerator = serializers.DecimalField(**NUMBER, required=False, allow_null=True, min_value=0)
    denominator = serializers.DecimalField(**NUMBER, required=False, allow_null=True, min_value=0)
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ExpenditureSerializer(serializers.Serializer):
    budget_line = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(**NUMBER)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ReportDetailSerializer(ReportOutputSerializer):
    activities_held = serializers.IntegerField()
    beneficiaries_reached = serializers.IntegerField()
    summary = serializers.CharField()
    review_comment = serializers.CharField()
    actuals = ActualSerializer(many=True, source="actual_rows")
    expenditures = ExpenditureSerializer(many=True, source="expenditure_rows")
    warnings = serializers.ListField(child=serializers.CharField(), source="spending_warnings")


class ReportInputSerializer(serializers.Serializer):
    activities_held = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    beneficiaries_reached = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=20000, default="")
    actuals = ActualSerializer(many=True, required=False, default=list, max_length=100)
    expenditures = ExpenditureSerializer(many=True, required=False, default=list, max_length=200)


class ReportReviewInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SpendingLineSerializer(serializers.Serializer):
    budget_line = serializers.IntegerField(source="budget_line.pk")
    category = serializers.CharField(source="budget_line.category")
    budget = serializers.DecimalField(**NUMBER)
    spent = serializers.DecimalField(**NUMBER)
    share = serializers.DecimalField(max_digits=8, decimal_places=1)
    over = serializers.BooleanField()


class SpendingSerializer(serializers.Serializer):
    lines = SpendingLineSerializer(many=True)
    budget = serializers.DecimalField(**NUMBER)
    spent = serializers.DecimalField(**NUMBER)
    overhead_share = serializers.DecimalField(max_digits=8, decimal_places=1)
    overhead_limit = serializers.DecimalField(max_digits=5, decimal_places=2)
    overhead_over = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())


class ReleaseInputSerializer(serializers.Serializer):
    paid_on = serializers.DateField(required=False)
    payer_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class PaymentSerializer(serializers.Serializer):
    """OCDS ``implementation.transactions[]``."""

    id = serializers.IntegerField()
    tranche = serializers.IntegerField(source="tranche_id")
    date = serializers.DateField()
    amount = serializers.DecimalField(**NUMBER)
    currency = serializers.CharField()
    payer_name = serializers.CharField()
    payee_name = serializers.CharField()


def _detail(report: ProgressReport) -> dict:
    rows = selectors_reports.report_detail_rows(report)
    report.actual_rows = [{"indicator": r["actual"].indicator_id, "value": r["actual"].value,
                           "numerator": r["actual"].numerator, "denominator": r["actual"].denominator,
                           "narrative": r["actual"].narrative} for r in rows["indicator_rows"] if r["actual"]]
    report.expenditure_rows = [{"budget_line": e.budget_line_id, "amount": e.amount, "description": e.description}
                               for e in rows["expenditures"]]
    report.spending_warnings = rows["spending"]["warnings"]
    return ReportDetailSerializer(report).data


def report_rows(rows: list[dict]) -> list[dict]:
    """``ReportOutputSerializer``'s output from ``values(*REPORT_LIST_VALUES)`` rows (the fast list path)."""
    return [{
        "id": r["id"], "contract": r["contract_id"], "contract_number": r["contract__number"],
        "organization_name": r["contract__organization__name"], "sequence": r["sequence"], "kind": r["kind"],
        "period_start": date_out(r["period_start"]), "period_end": date_out(r["period_end"]),
        "due_date": date_out(r["due_date"]), "status": r["status"], "status_display": r["status_display"],
        "overdue": r["overdue"], "tranche": r["tranche_id"],
    } for r in selectors_reports.report_list_rows(rows)]


class _ReportListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    model = ProgressReport
    serializer_class = ReportOutputSerializer
    list_values = selectors_reports.REPORT_LIST_VALUES
    ordering_fields = ["due_date", "period_start", "period_end", "sequence", "status", "id"]  # documented enum

    def list_rows(self, rows: list[dict]) -> list[dict]:
        return report_rows(rows)


def _filters(request) -> dict:
    # A plain dict, not the QueryDict: DRF would take an empty "?contract=" for an absent one.
    data = ReportFilterSerializer(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    return {key: value for key, value in data.validated_data.items() if value not in (None, "", False)}


@extend_schema(tags=TAGS, parameters=[ReportFilterSerializer])
class ReportListView(_ReportListView):
    """Progress reports of the contracts in your jurisdiction."""

    def get_scoped_queryset(self):
        if not can_view_tenders(self.request.user):
            raise PermissionDenied
        return selectors_reports.report_list(user=self.request.user, filters=_filters(self.request))


@extend_schema(tags=TAGS)
class ReportDetailView(APIView):
    @extend_schema(responses={200: ReportDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(_detail(selectors_reports.report_get_for_user(user=request.user, pk=pk)))


@extend_schema(tags=TAGS)
class ReportReviewView(APIView):
    @extend_schema(request=ReportReviewInputSerializer, responses={200: ReportDetailSerializer, **ERRORS})
    def post(self, request, pk):
        report = selectors_reports.report_get_for_user(user=request.user, pk=pk)
        data = ReportReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        step = services.report_approve if data.validated_data["decision"] == "approve" else services.report_return
        step(actor=request.user, report=report, note=data.validated_data["note"])
        return Response(_detail(report))


@extend_schema(tags=TAGS)
class ContractScheduleView(APIView):
    @extend_schema(request=None, responses={200: ReportOutputSerializer(many=True), **ERRORS})
    def post(self, request, pk):
        contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
        services.report_schedule_generate(actor=request.user, contract=contract)
        reports = contract.progress_reports.select_related("contract__organization").order_by("sequence")
        return Response(ReportOutputSerializer(reports, many=True).data)


@extend_schema(tags=TAGS)
class ContractSpendingView(APIView):
    @extend_schema(responses={200: SpendingSerializer, **ERRORS})
    def get(self, request, pk):
        contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
        return Response(SpendingSerializer(selectors_reports.contract_spending(contract)).data)


@extend_schema(tags=TAGS)
class TrancheReleaseView(APIView):
    @extend_schema(request=ReleaseInputSerializer, responses={201: PaymentSerializer, **ERRORS})
    def post(self, request, pk, tranche_pk):
        contract = selectors_tenders.contract_get_for_user(user=request.user, pk=pk)
        tranche = get_object_for_user_or_404(contract.tranches.select_related("contract", "depends_on"),
                                             pk=tranche_pk)
        data = ReleaseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        payment = services.tranche_release(actor=request.user, tranche=tranche, **data.validated_data)
        return Response(PaymentSerializer(payment).data, status=201)


# --- organization portal ---------------------------------------------------------------------


def _require_org_user(request) -> None:
    if not is_org_user(request.user):
        raise PermissionDenied


@extend_schema(tags=TAGS, parameters=[ReportFilterSerializer])
class PortalReportListView(_ReportListView):
    """Progress reports of the organizations you act for."""

    def get_scoped_queryset(self):
        _require_org_user(self.request)
        return selectors_reports.my_reports(user=self.request.user, filters=_filters(self.request))


@extend_schema(tags=TAGS)
class PortalReportDetailView(APIView):
    @extend_schema(responses={200: ReportDetailSerializer, **ERRORS})
    def get(self, request, pk):
        _require_org_user(request)
        return Response(_detail(selectors_reports.my_report_get(user=request.user, pk=pk)))

    @extend_schema(request=ReportInputSerializer, responses={200: ReportDetailSerializer, **ERRORS})
    def put(self, request, pk):
        _require_org_user(request)
        report = selectors_reports.my_report_get(user=request.user, pk=pk)
        data = ReportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.report_save(actor=request.user, report=report, **data.validated_data)
        return Response(_detail(report))


@extend_schema(tags=TAGS)
class PortalReportSubmitView(APIView):
    @extend_schema(request=None, responses={200: ReportDetailSerializer, **ERRORS})
    def post(self, request, pk):
        _require_org_user(request)
        report = selectors_reports.my_report_get(user=request.user, pk=pk)
        services.report_submit(actor=request.user, report=report)
        return Response(_detail(report))
