"""``GET /api/v1/projects/contracts/<id>/ocds/`` (release package) and ``.../ocds/record/`` (record package)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance.api.serializers import ErrorSerializer
from projects import ocds


class OcdsPackageSerializer(serializers.Serializer):
    """An OCDS 1.1 package (release-package-schema.json or record-package-schema.json)."""

    uri = serializers.CharField()
    version = serializers.CharField()
    extensions = serializers.ListField(child=serializers.CharField())
    publishedDate = serializers.CharField()  # noqa: N815 - OCDS field name
    publisher = serializers.DictField()
    license = serializers.CharField()
    releases = serializers.ListField(child=serializers.DictField(), required=False)
    records = serializers.ListField(child=serializers.DictField(), required=False)


class _ContractOcdsView(APIView):
    kind = "release"

    def get(self, request, pk):
        contract = ocds.contract_for_ocds(user=request.user, pk=pk)
        return Response(ocds.contract_ocds_export(actor=request.user, contract=contract, kind=self.kind,
                                                  uri=request.build_absolute_uri()))


@extend_schema(tags=["projects"], summary="Contract as an OCDS 1.1 release package",
               responses={200: OcdsPackageSerializer, 404: ErrorSerializer})
class ContractOcdsReleaseView(_ContractOcdsView):
    """The contract as an OCDS 1.1 release package (planning, tender, award, contract, implementation)."""

    kind = "release"


@extend_schema(tags=["projects"], summary="Contract as an OCDS 1.1 record package",
               responses={200: OcdsPackageSerializer, 404: ErrorSerializer})
class ContractOcdsRecordView(_ContractOcdsView):
    """The contract as an OCDS 1.1 record package (its release embedded and compiled)."""

    kind = "record"
