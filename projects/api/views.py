"""Project API: thin views over projects.selectors and projects.services."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import MAX_ID, SelectorFilterBackend
from governance.api.lists import FastListMixin
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from governance.selectors import region_get_for_user
from orgs.models import Organization
from projects import permissions, selectors, services
from projects.api import filters as f
from projects.api import serializers as s
from projects.models import Application, Expert, FundingProgram, ReviewAssignment

ERRORS = {400: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


def _application(request, pk) -> Application:
    return selectors.application_get_for_user(user=request.user, pk=pk)


class _SelectorListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """A fast read-only list: validated filters through one selector, rows through one row function."""

    filter_backends = [SelectorFilterBackend]
    selector = staticmethod(lambda *, user, filters: None)
    rows = staticmethod(lambda page: page)

    def get_scoped_queryset(self):
        filters = SelectorFilterBackend.cleaned_filters(self.request, self.filterset_class)
        return self.selector(user=self.request.user, filters=filters)

    def list_rows(self, page):
        return self.rows(page)


@extend_schema(tags=["projects"])
class ProgramListView(_SelectorListView):
    """Funding programs in your jurisdiction."""

    model = FundingProgram
    serializer_class = s.ProgramOutputSerializer
    list_values = s.PROGRAM_VALUES
    filterset_class = f.ProgramFilter
    selector = staticmethod(selectors.program_list)
    rows = staticmethod(s.program_rows)


@extend_schema(tags=["projects"])
class ProgramDetailView(APIView):
    @extend_schema(responses={200: s.ProgramOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(s.ProgramOutputSerializer(selectors.program_get_for_user(user=request.user, pk=pk)).data)


@extend_schema(tags=["projects"])
class ProgramEligibilityView(APIView):
    @extend_schema(parameters=[OpenApiParameter("organization", int, required=True, description="Organization id")],
                   responses={200: s.EligibilityOutputSerializer, **ERRORS})
    def get(self, request, pk):
        """Whether an organization meets the program's rules, each failed rule explained."""
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        raw = request.query_params.get("organization", "")
        if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
            raise NotFound
        organization = Organization.objects.filter(pk=int(raw)).first()
        if organization is None:
            raise NotFound
        failures = services.eligibility_explain(program=program, organization=organization,
                                                on_date=timezone.localdate())
        return Response(s.EligibilityOutputSerializer({
            "organization": organization.pk, "eligible": not failures,
            "failures": [{"rule": x.rule, "message": x.message} for x in failures]}).data)


@extend_schema(tags=["projects"])
class ProgramRankView(APIView):
    @extend_schema(request=None, responses={200: s.RankOutputSerializer(many=True), **ERRORS})
    def post(self, request, pk):
        """Rank the reviewed applications and approve them in order within the budget pool."""
        program = selectors.program_get_for_user(user=request.user, pk=pk)
        if not permissions.can_edit_program(request.user, program):
            raise PermissionDenied
        ranked = services.program_rank_and_approve(actor=request.user, program=program)
        return Response(s.RankOutputSerializer(ranked, many=True).data)


@extend_schema(tags=["projects"])
class ApplicationListView(_SelectorListView):
    """Applications of your jurisdiction (the applying unit's or the program owner's)."""

    model = Application
    serializer_class = s.ApplicationOutputSerializer
    list_values = s.APPLICATION_VALUES
    filterset_class = f.ApplicationFilter
    selector = staticmethod(selectors.application_list)
    rows = staticmethod(s.application_rows)

    @extend_schema(request=s.ApplicationInputSerializer, responses={201: s.ApplicationDetailSerializer, **ERRORS})
    def post(self, request):
        if not permissions.can_create_application(request.user):
            raise PermissionDenied
        data = s.ApplicationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        program = selectors.program_get_for_user(user=request.user, pk=fields.pop("program"))
        region = region_get_for_user(user=request.user, pk=fields.pop("region"))
        application = services.application_create(
            actor=request.user, program=program, region=region,
            budget_lines=[dict(x) for x in fields.pop("budget_lines")],
            indicators=[dict(x) for x in fields.pop("indicators")],
            cosigners=[dict(x) for x in fields.pop("cosigners")], **fields)
        return Response(s.ApplicationDetailSerializer(_application(request, application.pk)).data,
                        status=status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ApplicationDetailView(APIView):
    @extend_schema(responses={200: s.ApplicationDetailSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(s.ApplicationDetailSerializer(_application(request, pk)).data)

    @extend_schema(request=s.ApplicationUpdateInputSerializer, responses={200: s.ApplicationDetailSerializer, **ERRORS})
    def patch(self, request, pk):
        """Change a draft or returned application (the applying unit's staff); a list sent replaces its rows."""
        application = _application(request, pk)
        data = s.ApplicationUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        rows = {name: [dict(x) for x in fields.pop(name)] for name in ("budget_lines", "indicators", "cosigners")
                if name in fields}
        services.application_update(actor=request.user, application=application, **rows, **fields)
        return Response(s.ApplicationDetailSerializer(_application(request, pk)).data)


class _ApplicationAction(APIView):
    input_serializer = None

    def act(self, request, application, data):
        raise NotImplementedError

    def post(self, request, pk):
        application = _application(request, pk)
        data = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.act(request, application, data)
        return Response(s.ApplicationDetailSerializer(_application(request, pk)).data)


@extend_schema(tags=["projects"], request=None, responses={200: s.ApplicationDetailSerializer, **ERRORS})
class ApplicationSubmitView(_ApplicationAction):
    """Submit a draft or returned application (complete, within the cap, weights summing to 100)."""

    def act(self, request, application, data):
        services.application_submit(actor=request.user, application=application)


@extend_schema(tags=["projects"], request=s.StartReviewInputSerializer,
               responses={200: s.ApplicationDetailSerializer, **ERRORS})
class ApplicationStartReviewView(_ApplicationAction):
    """Draw the experts (seeded, conflicts excluded) and move the application into review."""

    input_serializer = s.StartReviewInputSerializer

    def act(self, request, application, data):
        services.application_start_review(actor=request.user, application=application, seed=data.get("seed"))


@extend_schema(tags=["projects"], request=s.DecisionInputSerializer,
               responses={200: s.ApplicationDetailSerializer, **ERRORS})
class ApplicationDecideView(_ApplicationAction):
    """Approve, return for revision or reject (a reason is required for the last two)."""

    input_serializer = s.DecisionInputSerializer

    def act(self, request, application, data):
        services.application_decide(actor=request.user, application=application, to=data["to"], note=data["note"],
                                    approved_amount=data["approved_amount"])


@extend_schema(tags=["projects"])
class ExpertListView(_SelectorListView):
    """The expert pool of your jurisdiction."""

    model = Expert
    serializer_class = s.ExpertOutputSerializer
    list_values = s.EXPERT_VALUES
    filterset_class = f.ExpertFilter
    selector = staticmethod(selectors.expert_list)
    rows = staticmethod(s.expert_rows)


@extend_schema(tags=["projects"])
class ExpertDetailView(APIView):
    @extend_schema(responses={200: s.ExpertOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(s.ExpertOutputSerializer(selectors.expert_get_for_user(user=request.user, pk=pk)).data)


@extend_schema(tags=["projects"])
class AssignmentListView(_SelectorListView):
    """Your own review assignments (experts only)."""

    model = ReviewAssignment
    serializer_class = s.AssignmentOutputSerializer
    list_values = s.ASSIGNMENT_VALUES
    filterset_class = f.AssignmentFilter
    selector = staticmethod(selectors.my_assignments)
    rows = staticmethod(s.assignment_rows)


@extend_schema(tags=["projects"])
class AssignmentDetailView(APIView):
    @extend_schema(responses={200: s.AssignmentOutputSerializer, **ERRORS})
    def get(self, request, pk):
        return Response(s.AssignmentOutputSerializer(selectors.my_assignment_get(user=request.user, pk=pk)).data)


@extend_schema(tags=["projects"])
class AssignmentScoresView(APIView):
    @extend_schema(request=s.ScoresInputSerializer, responses={200: s.AssignmentOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Save your scores (``score`` null = n/a); ``submit`` hands them in (final)."""
        assignment = selectors.my_assignment_get(user=request.user, pk=pk)
        data = s.ScoresInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.scores_save(actor=request.user, assignment=assignment,
                             scores=[dict(x) for x in data.validated_data["scores"]],
                             comment=data.validated_data["comment"], submit=data.validated_data["submit"])
        return Response(s.AssignmentOutputSerializer(selectors.my_assignment_get(user=request.user, pk=pk)).data)


@extend_schema(tags=["projects"])
class AssignmentRecuseView(APIView):
    @extend_schema(request=s.RecuseInputSerializer, responses={200: s.AssignmentOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Declare a conflict and recuse yourself; a replacement expert is drawn."""
        assignment = selectors.my_assignment_get(user=request.user, pk=pk)
        data = s.RecuseInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.assignment_recuse(actor=request.user, assignment=assignment, reason=data.validated_data["reason"])
        return Response(s.AssignmentOutputSerializer(selectors.my_assignment_get(user=request.user, pk=pk)).data)
