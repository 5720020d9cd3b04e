"""Core API: token login, the current user, the jurisdiction tree."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import selectors, services
from governance.api.filters import RegionFilter
from governance.api.lists import FastListMixin, choice_labels, display
from governance.api.serializers import (
    ErrorSerializer,
    MeOutputSerializer,
    RegionOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
)
from governance.api.throttling import ScopedRateThrottle
from governance.models import Region, RegionLevel, Role


class SchemaSafeMixin:
    """``get_queryset`` runs with no tenant during schema generation: answer an empty queryset then."""

    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.get_scoped_queryset()


class TokenView(APIView):
    """Exchange a username and password for a new API token (throttled; failures count for lock-out).

    The key is in this response only (the server keeps a hash). It expires after
    ``API_TOKEN_EXPIRY_DAYS`` and its user can revoke it on the "API tokens" page.
    """

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth_token"

    def get_authenticate_header(self, request):
        # Without authentication classes DRF turns AuthenticationFailed into a 403; a wrong password
        # is a 401 with a challenge, so clients can tell it from a permission problem.
        return "Token"

    @extend_schema(
        request=TokenInputSerializer,
        responses={200: TokenOutputSerializer, 400: ErrorSerializer, 401: ErrorSerializer},
        tags=["auth"],
    )
    def post(self, request):
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise AuthenticationFailed(_("Wrong username or password, or the account is locked."))
        token, key = services.api_token_create(
            actor=user, user=user, name=serializer.validated_data.get("name") or _("API sign-in"))
        return Response(TokenOutputSerializer({"token": key, "name": token.name, "expires_at": token.expires_at}).data,
                        status=status.HTTP_200_OK)


class MeView(APIView):
    @extend_schema(responses={200: MeOutputSerializer}, tags=["core"])
    def get(self, request):
        """Built from the request's user and tenant and the cached roles (no query beyond authentication)."""
        user, tenant = request.user, getattr(request, "tenant", None)
        roles = choice_labels(Role)
        return Response({
            "id": user.pk, "username": user.username, "display_name": str(user), "email": user.email,
            "tenant": ({"id": tenant.pk, "name": tenant.name, "slug": tenant.slug, "root_code": tenant.root_code}
                       if tenant is not None else None),
            "roles": [{"role": role, "role_display": display(roles, role), "region_id": region_id,
                       "region_name": name, "region_code": code}
                      for role, _path, region_id, name, code in selectors.user_role_rows(user)],
        })


@extend_schema(tags=["core"], responses={200: RegionOutputSerializer, 404: ErrorSerializer})
class RegionListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Regions the user may see, filterable by parent, level, code prefix and subtree."""

    model = Region
    serializer_class = RegionOutputSerializer
    filterset_class = RegionFilter
    ordering_fields = ["path", "code", "name", "level"]
    ordering = ["path"]
    search_fields: list = []
    list_values = ("id", "parent_id", "level", "code", "name", "path", "depth")

    def get_scoped_queryset(self):
        return selectors.region_list(user=self.request.user)

    def list_rows(self, rows):
        levels = choice_labels(RegionLevel)
        return [{"id": row["id"], "parent_id": row["parent_id"], "level": row["level"],
                 "level_display": display(levels, row["level"]), "code": row["code"], "name": row["name"],
                 "path": row["path"], "depth": row["depth"]} for row in rows]


@extend_schema(tags=["core"], responses={200: RegionOutputSerializer, 404: ErrorSerializer})
class RegionDetailView(SchemaSafeMixin, generics.RetrieveAPIView):
    model = Region
    serializer_class = RegionOutputSerializer

    def get_object(self):
        return selectors.region_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
