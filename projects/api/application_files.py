"""Attachments of an application in the API: list and upload (multipart), detail and removal, download."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.inputs import InputSerializer
from governance.api.lists import FastListMixin, datetime_out
from governance.api.serializers import ErrorSerializer
from governance.api.views import SchemaSafeMixin
from projects import selectors, selectors_attachments
from projects.models import ApplicationAttachment
from projects.services import application_files

ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class AttachmentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application = serializers.IntegerField(source="application_id")
    name = serializers.CharField()
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", allow_null=True)
    uploaded_by_name = serializers.CharField(source="uploaded_by.display_name", allow_null=True, default=None)
    uploaded_at = serializers.DateTimeField()


ATTACHMENT_VALUES = ("id", "application_id", "name", "uploaded_by_id", "uploaded_by__display_name", "uploaded_at")


def attachment_rows(rows: list[dict]) -> list[dict]:
    return [{"id": r["id"], "application": r["application_id"], "name": r["name"],
             "uploaded_by": r["uploaded_by_id"], "uploaded_by_name": r["uploaded_by__display_name"],
             "uploaded_at": datetime_out(r["uploaded_at"])} for r in rows]


class AttachmentInputSerializer(InputSerializer):
    file = serializers.FileField(
        allow_empty_file=True,
        help_text="PDF, JPEG, PNG, Word or Excel, at most 10 MB; its content must match its type.")


class _MultiPartParser(parsers.MultiPartParser):
    media_type = "multipart/form-data"


@extend_schema(tags=["projects"])
class ApplicationAttachmentListView(FastListMixin, SchemaSafeMixin, generics.ListAPIView):
    """Files attached to an application (staff who see it, and the experts drawn to review it); POST attaches
    one while the application is a draft or returned for revision (multipart, field ``file``)."""

    model = ApplicationAttachment
    serializer_class = AttachmentOutputSerializer
    filter_backends: list = []
    list_values = ATTACHMENT_VALUES
    list_rows = staticmethod(attachment_rows)

    def get_parsers(self):
        # The list is a GET; only the upload reads a body, and only as multipart.
        return [_MultiPartParser()]

    def get_scoped_queryset(self):
        application = selectors_attachments.attachment_application_get(user=self.request.user, pk=self.kwargs["pk"])
        return selectors_attachments.application_attachment_list(application=application)

    @extend_schema(request={"multipart/form-data": AttachmentInputSerializer},
                   responses={201: AttachmentOutputSerializer, **ERRORS})
    def post(self, request, pk):
        application = selectors.application_get_for_user(user=request.user, pk=pk)
        data = AttachmentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = application_files.application_attachment_add(
            actor=request.user, application=application, uploaded_file=data.validated_data["file"])
        return Response(AttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ApplicationAttachmentDetailView(APIView):
    @extend_schema(responses={200: AttachmentOutputSerializer, **ERRORS})
    def get(self, request, pk, attachment_pk):
        attachment = selectors_attachments.application_attachment_get(user=request.user, pk=pk,
                                                                       attachment_pk=attachment_pk)
        return Response(AttachmentOutputSerializer(attachment).data)

    @extend_schema(responses={204: None, **ERRORS})
    def delete(self, request, pk, attachment_pk):
        """Remove a file while the application is a draft or returned for revision."""
        application = selectors.application_get_for_user(user=request.user, pk=pk)
        attachment = selectors_attachments.application_attachment_get(user=request.user, pk=pk,
                                                                       attachment_pk=attachment_pk)
        application_files.application_attachment_delete(actor=request.user, application=application,
                                                        attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["projects"])
class ApplicationAttachmentFileView(APIView):
    @extend_schema(responses={
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
        404: ErrorSerializer})
    def get(self, request, pk, attachment_pk):
        """Download a file (the download is audited)."""
        from projects.views.helpers import file_response

        attachment = selectors_attachments.application_attachment_get(user=request.user, pk=pk,
                                                                       attachment_pk=attachment_pk)
        response = file_response(attachment, content_type="application/octet-stream")
        application_files.application_attachment_downloaded(actor=request.user, attachment=attachment)
        return response
