"""Notifications API under /api/v1/notifications/: the caller's own notifications only."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.filtering import SelectorFilterBackend
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from governance.models import Notification
from governance.notifications import selectors, services
from governance.notifications.kinds import kind_choices, kind_label

BOOLEAN_CHOICES = [("true", _("yes")), ("false", _("no"))]


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.ChoiceFilter(choices=BOOLEAN_CHOICES, label=_("only unread (true) or only read (false)"))
    kind = django_filters.ChoiceFilter(choices=kind_choices, label=_("kind"))

    class Meta:
        model = Notification
        fields: list[str] = []  # applied by selectors.notification_list


class NotificationOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()
    is_read = serializers.BooleanField()
    url = serializers.CharField(help_text=_("path inside the platform, or empty"))
    object_type = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "object_type", "object_id", "created_at",
                  "read_at", "is_read"]
        read_only_fields = fields

    def get_kind_label(self, obj) -> str:
        return kind_label(obj.kind)

    def get_object_type(self, obj) -> str:
        """``app_label.model`` of the object the notification is about, or empty."""
        return _content_type_label(obj.content_type_id)


def _content_type_label(content_type_id) -> str:
    if content_type_id is None:
        return ""
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_id(content_type_id)  # cached: no query per row
    return f"{content_type.app_label}.{content_type.model}"


class ReadAllOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("how many notifications were marked as read"))


class UnreadCountOutputSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


ERRORS = {404: ErrorSerializer}


@extend_schema(tags=["notifications"])
class NotificationListView(SchemaSafeMixin, generics.ListAPIView):
    """Your notifications, unread first, then newest first."""

    model = Notification
    serializer_class = NotificationOutputSerializer
    filterset_class = NotificationFilter
    filter_backends = [SelectorFilterBackend]

    def get_scoped_queryset(self):
        filters = SelectorFilterBackend.cleaned_filters(self.request, NotificationFilter)
        unread = {"true": True, "false": False}.get(filters.get("unread"))
        return selectors.notification_list(user=self.request.user, unread=unread, kind=filters.get("kind", ""))


@extend_schema(tags=["notifications"])
class NotificationReadView(APIView):
    @extend_schema(request=None, responses={200: NotificationOutputSerializer, **ERRORS})
    def post(self, request, pk):
        """Mark one of your notifications as read (another user's id: 404)."""
        notification = selectors.notification_get_for_user(user=request.user, pk=pk)
        services.notification_mark_read(user=request.user, notification=notification)
        return Response(NotificationOutputSerializer(notification).data)


@extend_schema(tags=["notifications"])
class NotificationReadAllView(APIView):
    @extend_schema(request=None, responses={200: ReadAllOutputSerializer})
    def post(self, request):
        """Mark all your notifications as read."""
        marked = services.notification_mark_all_read(user=request.user) if request.user.tenant_id else 0
        return Response({"marked": marked})


@extend_schema(tags=["notifications"])
class NotificationUnreadCountView(APIView):
    @extend_schema(responses={200: UnreadCountOutputSerializer})
    def get(self, request):
        """How many of your notifications are unread (for a badge)."""
        return Response({"unread": selectors.unread_count(request.user)})
